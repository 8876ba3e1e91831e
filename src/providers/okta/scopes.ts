/**
 * The OAuth scopes a service app asks for by default: every kind's (`.manage` includes `.read`).
 * Universal Logout needs okta.universalLogout.manage as well; add it with oauth.scopes.
 */
export const SERVICE_APP_SCOPES = ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage', 'okta.roles.manage', 'okta.apiTokens.manage', 'okta.logs.read'];
