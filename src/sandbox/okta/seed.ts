import { randomBytes } from 'node:crypto';
import type { OktaSandbox } from './server.js';
import { oktaId, type SandboxApp, type SandboxGroup, type SandboxUser } from './state.js';

export interface OktaOrgSeed {
  /** The SSWS API token of the operator (a super admin) the CLI runs as. */
  token: string;
  operator: SandboxUser;
}

/** An org with an operator super admin (and its API token), a second super admin, Everyone, and a few groups and apps. */
export function seedOktaOrg(sandbox: OktaSandbox, options: { operator?: string; superAdmins?: string[] } = {}): OktaOrgSeed {
  const { state } = sandbox;
  const operator = state.addUser(options.operator ?? 'revoke-bot@acme.test', { lastLogin: new Date() });
  state.roles.set(operator.id, [{ id: oktaId('ra1'), type: 'SUPER_ADMIN', label: 'Super Administrator', created: new Date() }]);
  for (const login of options.superAdmins ?? ['ceo@acme.test']) {
    const admin = state.addUser(login);
    state.roles.set(admin.id, [{ id: oktaId('ra1'), type: 'SUPER_ADMIN', label: 'Super Administrator', created: new Date() }]);
  }
  const everyone: SandboxGroup = { id: oktaId('00g'), name: 'Everyone', type: 'BUILT_IN', members: new Set(state.users.keys()) };
  state.groups.set(everyone.id, everyone);
  const token = state.addApiToken(operator.id, 'revoke automation', { clientName: 'Okta Admin Console' });
  return { token: token.value, operator };
}

export interface OktaDepartingUser {
  login: string;
  /** Okta groups (created if absent); `app:` prefixed names are app-sourced (APP_GROUP). */
  groups?: string[];
  /** App labels; provisioning apps deprovision the account when unassigned. `group:` prefixed ones are assigned through a group. */
  apps?: Array<{ label: string; provisioning?: boolean; viaGroup?: boolean }>;
  roles?: string[];
  factors?: Array<'push' | 'token:software:totp' | 'sms' | 'webauthn' | 'email'>;
  /** Consent grants and refresh tokens, per OAuth client name. */
  oauthClients?: string[];
  apiTokens?: Array<{ name: string; lastUsed?: Date }>;
  signedIn?: boolean;
  status?: SandboxUser['status'];
}

/** What the person holds, for tests that prove a revocation by using it afterwards. */
export interface OktaPersonSecrets {
  user: SandboxUser;
  sessionId: string | undefined;
  refreshTokens: Array<{ clientId: string; value: string }>;
  apiTokens: string[];
}

export const OKTA_EVERYTHING: Omit<OktaDepartingUser, 'login'> = {
  groups: ['engineering', 'oncall', 'app:workday-employees'],
  apps: [{ label: 'Salesforce', provisioning: true }, { label: 'Slack' }, { label: 'Jira', viaGroup: true }],
  roles: ['APP_ADMIN'],
  factors: ['push', 'token:software:totp'],
  oauthClients: ['Expense Reports'],
  apiTokens: [{ name: 'nightly-sync' }],
  signedIn: true,
};

function groupNamed(sandbox: OktaSandbox, name: string): SandboxGroup {
  const type = name.startsWith('app:') ? 'APP_GROUP' : 'OKTA_GROUP';
  const label = name.replace(/^app:/, '');
  const existing = [...sandbox.state.groups.values()].find((g) => g.name === label);
  if (existing) return existing;
  const group: SandboxGroup = { id: oktaId('00g'), name: label, type, members: new Set() };
  sandbox.state.groups.set(group.id, group);
  return group;
}

function appLabelled(sandbox: OktaSandbox, label: string, provisioning: boolean): SandboxApp {
  const existing = [...sandbox.state.apps.values()].find((a) => a.label === label);
  if (existing) return existing;
  const app: SandboxApp = { id: oktaId('0oa'), name: label.toLowerCase().replace(/\W+/g, '_'), label, provisioning, assignments: new Map(), deprovisioned: [] };
  sandbox.state.apps.set(app.id, app);
  return app;
}

/** A person with everything the okta provider takes away. */
export function seedOktaUser(sandbox: OktaSandbox, spec: OktaDepartingUser): OktaPersonSecrets {
  const { state } = sandbox;
  const user = state.addUser(spec.login, { status: spec.status ?? 'ACTIVE' });
  for (const group of state.groups.values()) if (group.type === 'BUILT_IN') group.members.add(user.id);
  for (const name of spec.groups ?? []) groupNamed(sandbox, name).members.add(user.id);
  for (const { label, provisioning = false, viaGroup = false } of spec.apps ?? []) appLabelled(sandbox, label, provisioning).assignments.set(user.id, { created: new Date(), scope: viaGroup ? 'GROUP' : 'USER' });
  state.roles.set(user.id, (spec.roles ?? []).map((type) => ({ id: oktaId('ra1'), type, label: type.replace(/_/g, ' ').toLowerCase(), created: new Date() })));
  state.factors.set(user.id, (spec.factors ?? []).map((factorType) => ({ id: oktaId('ufs'), factorType, provider: factorType === 'push' ? 'OKTA' : factorType === 'webauthn' ? 'FIDO' : 'GOOGLE', created: new Date() })));
  const refreshTokens: OktaPersonSecrets['refreshTokens'] = [];
  for (const name of spec.oauthClients ?? []) {
    const clientId = [...state.clients.values()].find((c) => c.name === name)?.clientId ?? oktaId('0oa');
    state.clients.set(clientId, { clientId, name });
    state.grants.set(user.id, [...(state.grants.get(user.id) ?? []), { id: oktaId('oag'), clientId, scopeId: 'scpabcdefghijklmnopq', created: new Date() }]);
    const value = randomBytes(24).toString('base64url');
    state.refreshTokens.push({ id: oktaId('oar'), userId: user.id, clientId, value, scopes: ['openid', 'offline_access'], created: new Date(), revoked: false });
    refreshTokens.push({ clientId, value });
  }
  const apiTokens = (spec.apiTokens ?? []).map(({ name, lastUsed }) => state.addApiToken(user.id, name, lastUsed ? { lastUsed } : {}).value);
  const session = spec.signedIn && user.status === 'ACTIVE' ? state.signIn(user) : undefined;
  return { user, sessionId: session?.id, refreshTokens, apiTokens };
}

/** Environment for pointing revoke at a sandbox (what `revoke sandbox` would print). */
export function oktaSandboxEnvironment(sandbox: OktaSandbox, seed: OktaOrgSeed): Record<string, string> {
  return { OKTA_ORG_URL: sandbox.url, OKTA_API_TOKEN: seed.token };
}
