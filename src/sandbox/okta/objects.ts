import type { LogEntry, SandboxApiToken, SandboxApp, SandboxFactor, SandboxGrant, SandboxGroup, SandboxRefreshToken, SandboxRole, SandboxSession, SandboxUser } from './state.js';

/** The JSON Okta answers with, in the shapes of its management API description. */
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '.000Z');
const href = (base: string, path: string) => ({ href: `${base}${path}` });

export function userObject(base: string, user: SandboxUser) {
  return {
    id: user.id,
    status: user.status,
    created: iso(user.created),
    activated: iso(user.created),
    statusChanged: iso(user.statusChanged),
    lastLogin: user.lastLogin ? iso(user.lastLogin) : null,
    lastUpdated: iso(user.statusChanged),
    passwordChanged: iso(user.created),
    type: { id: 'oty1ab2cd3ef4gh5ij6k' },
    profile: { firstName: user.firstName, lastName: user.lastName, email: user.login, login: user.login, mobilePhone: null, secondEmail: null },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: href(base, `/api/v1/users/${user.id}`) },
  };
}

export function groupObject(base: string, group: SandboxGroup) {
  const now = iso(new Date(0));
  return {
    id: group.id,
    created: now,
    lastUpdated: now,
    lastMembershipUpdated: now,
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: `${group.name} (sandbox)` },
    _links: { users: href(base, `/api/v1/groups/${group.id}/users`), apps: href(base, `/api/v1/groups/${group.id}/apps`) },
  };
}

export function roleObject(base: string, userId: string, role: SandboxRole) {
  return { id: role.id, label: role.label, type: role.type, status: 'ACTIVE', created: iso(role.created), lastUpdated: iso(role.created), assignmentType: 'USER', _links: { assignee: href(base, `/api/v1/users/${userId}`) } };
}

export function factorObject(base: string, userId: string, factor: SandboxFactor) {
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.provider,
    status: 'ACTIVE',
    created: iso(factor.created),
    lastUpdated: iso(factor.created),
    profile: {},
    _links: { self: href(base, `/api/v1/users/${userId}/factors/${factor.id}`), user: href(base, `/api/v1/users/${userId}`) },
  };
}

export function grantObject(base: string, userId: string, grant: SandboxGrant) {
  return {
    id: grant.id,
    status: 'ACTIVE',
    created: iso(grant.created),
    lastUpdated: iso(grant.created),
    issuer: base,
    clientId: grant.clientId,
    userId,
    scopeId: grant.scopeId,
    source: 'END_USER',
    _links: { self: href(base, `/api/v1/users/${userId}/grants/${grant.id}`), client: href(base, `/oauth2/v1/clients/${grant.clientId}`) },
  };
}

export function refreshTokenObject(base: string, token: SandboxRefreshToken) {
  return {
    id: token.id,
    status: token.revoked ? 'REVOKED' : 'ACTIVE',
    created: iso(token.created),
    lastUpdated: iso(token.created),
    expiresAt: iso(new Date(token.created.getTime() + 90 * 86_400_000)),
    issuer: base,
    clientId: token.clientId,
    userId: token.userId,
    scopes: token.scopes,
    _links: { self: href(base, `/api/v1/users/${token.userId}/clients/${token.clientId}/tokens/${token.id}`) },
  };
}

export function clientObject(base: string, userId: string, client: { clientId: string; name: string }) {
  return {
    client_id: client.clientId,
    client_name: client.name,
    _links: {
      grants: { href: `${base}/api/v1/users/${userId}/clients/${client.clientId}/grants` },
      tokens: { href: `${base}/api/v1/users/${userId}/clients/${client.clientId}/tokens` },
    },
  };
}

export function apiTokenObject(base: string, token: SandboxApiToken) {
  return {
    id: token.id,
    name: token.name,
    userId: token.userId,
    clientName: token.clientName,
    created: iso(token.created),
    lastUpdated: iso(token.created),
    expiresAt: iso(new Date(token.lastUsed.getTime() + token.tokenWindowDays * 86_400_000)),
    tokenWindow: `P${token.tokenWindowDays}D`,
    network: { connection: 'ANYWHERE' },
    _link: { self: href(base, `/api/v1/api-tokens/${token.id}`) },
  };
}

export function appLinkObject(base: string, app: SandboxApp, userId: string) {
  return { id: `${app.id}-${userId}`, label: app.label, linkUrl: `${base}/home/${app.name}/${app.id}/1`, logoUrl: `${base}/img/logos/default.png`, appName: app.name, appInstanceId: app.id, appAssignmentId: `0ua${app.id.slice(3)}`, credentialsSetup: false, hidden: false, sortOrder: 0 };
}

export function appUserObject(base: string, app: SandboxApp, user: SandboxUser) {
  const assignment = app.assignments.get(user.id)!;
  return {
    id: user.id,
    scope: assignment.scope,
    status: app.provisioning ? 'PROVISIONED' : 'ACTIVE',
    syncState: app.provisioning ? 'SYNCHRONIZED' : 'DISABLED',
    created: iso(assignment.created),
    lastUpdated: iso(assignment.created),
    credentials: { userName: user.login },
    profile: {},
    _links: { app: href(base, `/api/v1/apps/${app.id}`), user: href(base, `/api/v1/users/${user.id}`) },
  };
}

export function sessionObject(base: string, session: SandboxSession, user: SandboxUser) {
  return {
    id: session.id,
    userId: user.id,
    login: user.login,
    createdAt: iso(session.created),
    expiresAt: iso(new Date(session.created.getTime() + 2 * 3600_000)),
    status: 'ACTIVE',
    lastPasswordVerification: iso(session.created),
    amr: ['pwd'],
    idp: { id: '00oabcdefghijklmnopq', type: 'OKTA' },
    _links: { self: href(base, '/api/v1/sessions/me') },
  };
}

export function logEventObject(entry: LogEntry) {
  return {
    uuid: entry.uuid,
    published: entry.published.toISOString(),
    eventType: entry.eventType,
    version: '0',
    severity: entry.outcome.result === 'SUCCESS' ? 'INFO' : 'WARN',
    displayMessage: entry.displayMessage,
    actor: entry.actor,
    target: entry.target,
    outcome: entry.outcome,
    client: { ipAddress: '127.0.0.1', userAgent: { rawUserAgent: 'sandbox' } },
  };
}
