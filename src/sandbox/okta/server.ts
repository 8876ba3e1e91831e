import type { SandboxExchange } from '../exchange.js';
import { withRequestBody } from '../request-body.js';
import { createVerify, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jitterOnArrival } from '../network.js';
import { seededRandom } from '../random.js';
import { parseExpression } from './filter.js';
import * as objects from './objects.js';
import { OktaState, type SandboxApp, type SandboxUser } from './state.js';
import { listenOnLoopback } from '../listen.js';

export interface OktaFaults {
  /** Before processing, each request waits a random 0 to jitterMs (requests sent together may be processed in any order); 0 by default. */
  jitterMs: number;
  latencyMs: number;
  /** Fraction (0-1) of requests answered 429 with Okta's rate-limit headers. */
  throttleRate: number;
  /** The next this many requests are answered 429 (deterministic throttling for tests). */
  throttleNext: number;
  /** The next this many writes (non-GET admin requests) are answered 429. */
  throttleNextWrites: number;
  /** Seconds from now that X-Rate-Limit-Reset names on a 429. */
  resetSeconds: number;
  /** Fraction (0-1) of requests answered 500. */
  failureRate: number;
  /** Fraction (0-1) of requests whose connection is dropped without an answer (logged with status 0). */
  dropRate: number;
  /** Requests allowed per window before every answer is 429 (X-Rate-Limit-Limit). */
  limitPerWindow: number;
  /** The rate-limit window (Okta's is a minute; tests shorten it). */
  windowSeconds: number;
  /** Answered 404 without acting ("METHOD /route/template"): a removal Okta claims is gone while it is not. */
  phantomNotFound: string[];
}

export interface OktaExchange extends SandboxExchange {
  caller: string;
}

export interface OktaSandbox {
  url: string;
  state: OktaState;
  faults: OktaFaults;
  exchanges: OktaExchange[];
  close(): Promise<void>;
}

type Caller = { kind: 'token'; user: SandboxUser } | { kind: 'service'; clientId: string; scopes: string[] } | { kind: 'anonymous' };

class OktaError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly causes: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const notFound = (what: string) => new OktaError(404, 'E0000007', `Not found: Resource not found: ${what}`);
const forbidden = () => new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action');
const invalidToken = () => new OktaError(401, 'E0000011', 'Invalid token provided');
const invalid = (cause: string) => new OktaError(400, 'E0000001', 'Api validation failed', [cause]);

interface Request {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: Record<string, unknown>;
  caller: Caller;
  base: string;
  url: URL;
  cookie: string | undefined;
  res: ServerResponse;
}

type Result = { status: number; body?: unknown };
/** `scope` is the OAuth scope a service app needs; SSWS callers need an admin role instead. null: no admin needed. */
type Route = [method: string, template: string, scope: string | null, handler: (state: OktaState, request: Request) => Result];

const ADMIN_ROLES = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);

function authorize(state: OktaState, caller: Caller, scope: string | null): void {
  if (scope === null) return;
  if (caller.kind === 'anonymous') throw invalidToken();
  if (caller.kind === 'service') {
    const family = scope.replace(/\.(read|manage)$/, '');
    if (!caller.scopes.includes(scope) && !(scope.endsWith('.read') && caller.scopes.includes(`${family}.manage`))) throw new OktaError(403, 'E0000006', `You do not have permission to perform the requested action (scope ${scope} needed)`);
    return;
  }
  if (!(state.roles.get(caller.user.id) ?? []).some((r) => ADMIN_ROLES.has(r.type))) throw forbidden();
}

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Okta's cursor paging: `limit` and an opaque `after`, with `Link: <...>; rel="next"`. */
function page<T>(request: Request, items: T[], defaultLimit: number, maxLimit = 200): T[] {
  const limit = Math.min(maxLimit, Math.max(1, Number(text(request.query.limit) ?? defaultLimit) || defaultLimit));
  const after = text(request.query.after);
  const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0;
  const links = [`<${request.url.toString()}>; rel="self"`];
  if (start + limit < items.length) {
    const next = new URL(request.url);
    next.searchParams.set('limit', String(limit));
    next.searchParams.set('after', Buffer.from(String(start + limit)).toString('base64url'));
    links.push(`<${next.toString()}>; rel="next"`);
  }
  request.res.setHeader('link', links.join(', '));
  return items.slice(start, start + limit);
}

function userOf(state: OktaState, idOrLogin: string | undefined): SandboxUser {
  const user = state.user(idOrLogin ?? '');
  if (!user) throw notFound(`${idOrLogin} (User)`);
  return user;
}

/** Removes the item with this id from one of the user's lists, or answers Okta's 404 for it. */
function removeListed<T extends { id: string }>(list: T[] | undefined, id: string | undefined, what: string): void {
  const index = (list ?? []).findIndex((item) => item.id === id);
  if (index < 0) throw notFound(`${id} (${what})`);
  list!.splice(index, 1);
}

function appOf(state: OktaState, id: string | undefined): SandboxApp {
  const app = state.apps.get(id ?? '');
  if (!app) throw notFound(`${id} (AppInstance)`);
  return app;
}

const actorOf = (caller: Caller) => (caller.kind === 'token' ? caller.user : { id: caller.kind === 'service' ? caller.clientId : 'anonymous', login: caller.kind === 'service' ? caller.clientId : 'anonymous', type: 'PublicClientApp' });

function deactivate(state: OktaState, user: SandboxUser, caller: Caller): void {
  user.status = 'DEPROVISIONED';
  user.statusChanged = new Date();
  state.clearAccessOf(user.id);
  state.log('user.lifecycle.deactivate', actorOf(caller), [user], 'SUCCESS', 'Deactivate Okta user');
}

const routes: Route[] = [
  ['GET', '/api/v1/users', 'okta.users.read', (state, request) => {
    let users = [...state.users.values()];
    const expression = text(request.query.search) ?? text(request.query.filter);
    if (expression) {
      let predicate: (item: unknown) => boolean;
      try {
        predicate = parseExpression(expression);
      } catch (error) {
        throw invalid((error as Error).message);
      }
      users = users.filter((u) => predicate(objects.userObject(request.base, u)));
    } else {
      users = users.filter((u) => u.status !== 'DEPROVISIONED');
    }
    return { status: 200, body: page(request, users, 200).map((u) => objects.userObject(request.base, u)) };
  }],
  ['GET', '/api/v1/users/{userId}', null, (state, { params, caller, base }) => {
    if (params.userId === 'me') {
      if (caller.kind !== 'token') throw invalidToken();
      return { status: 200, body: objects.userObject(base, caller.user) };
    }
    authorize(state, caller, 'okta.users.read');
    return { status: 200, body: objects.userObject(base, userOf(state, params.userId)) };
  }],
  ['DELETE', '/api/v1/users/{userId}', 'okta.users.manage', (state, { params, caller }) => {
    const user = userOf(state, params.userId);
    // Okta's rule: deleting a user who is not deactivated deactivates it; a second call deletes.
    if (user.status !== 'DEPROVISIONED') deactivate(state, user, caller);
    else {
      state.users.delete(user.id);
      state.log('user.lifecycle.delete.initiated', actorOf(caller), [user], 'SUCCESS', 'Delete Okta user');
    }
    return { status: 204 };
  }],
  ['POST', '/api/v1/users/{userId}/lifecycle/suspend', 'okta.users.manage', (state, { params, caller }) => {
    const user = userOf(state, params.userId);
    if (user.status !== 'ACTIVE') throw new OktaError(400, 'E0000001', 'Api validation failed: Cannot suspend a user that is not active', [`status: ${user.status}`]);
    user.status = 'SUSPENDED';
    user.statusChanged = new Date();
    state.log('user.lifecycle.suspend', actorOf(caller), [user], 'SUCCESS', 'Suspend Okta user');
    return { status: 200, body: {} };
  }],
  ['POST', '/api/v1/users/{userId}/lifecycle/unsuspend', 'okta.users.manage', (state, { params, caller }) => {
    const user = userOf(state, params.userId);
    if (user.status !== 'SUSPENDED') throw new OktaError(400, 'E0000001', 'Api validation failed: Cannot unsuspend a user that is not suspended', [`status: ${user.status}`]);
    user.status = 'ACTIVE';
    user.statusChanged = new Date();
    state.log('user.lifecycle.unsuspend', actorOf(caller), [user], 'SUCCESS', 'Unsuspend Okta user');
    return { status: 200, body: {} };
  }],
  ['POST', '/api/v1/users/{userId}/lifecycle/deactivate', 'okta.users.manage', (state, { params, caller }) => {
    const user = userOf(state, params.userId);
    if (user.status !== 'DEPROVISIONED') deactivate(state, user, caller);
    return { status: 200, body: {} };
  }],
  ['DELETE', '/api/v1/users/{userId}/sessions', 'okta.users.manage', (state, { params, query, caller }) => {
    const user = userOf(state, params.userId);
    state.sessions = state.sessions.filter((s) => s.userId !== user.id);
    if (text(query.oauthTokens) === 'true') for (const token of state.refreshTokens) if (token.userId === user.id) token.revoked = true;
    state.log('user.session.clear', actorOf(caller), [user], 'SUCCESS', 'Clear user session');
    return { status: 204 };
  }],
  ['GET', '/api/v1/users/{userId}/grants', 'okta.users.read', (state, request) => {
    const user = userOf(state, request.params.userId);
    return { status: 200, body: page(request, state.grants.get(user.id) ?? [], 20).map((g) => objects.grantObject(request.base, user.id, g)) };
  }],
  ['DELETE', '/api/v1/users/{userId}/grants/{grantId}', 'okta.users.manage', (state, { params }) => {
    removeListed(state.grants.get(userOf(state, params.userId).id), params.grantId, 'OAuth2ScopeConsentGrant');
    return { status: 204 };
  }],
  ['GET', '/api/v1/users/{userId}/clients', 'okta.users.read', (state, { params, base }) => {
    const user = userOf(state, params.userId);
    const ids = new Set([...(state.grants.get(user.id) ?? []).map((g) => g.clientId), ...state.refreshTokens.filter((t) => t.userId === user.id && !t.revoked).map((t) => t.clientId)]);
    return { status: 200, body: [...ids].map((clientId) => objects.clientObject(base, user.id, state.clients.get(clientId) ?? { clientId, name: clientId })) };
  }],
  ['GET', '/api/v1/users/{userId}/clients/{clientId}/tokens', 'okta.users.read', (state, request) => {
    const user = userOf(state, request.params.userId);
    const tokens = state.refreshTokens.filter((t) => t.userId === user.id && t.clientId === request.params.clientId && !t.revoked);
    return { status: 200, body: page(request, tokens, 20).map((t) => objects.refreshTokenObject(request.base, t)) };
  }],
  ['DELETE', '/api/v1/users/{userId}/clients/{clientId}/tokens/{tokenId}', 'okta.users.manage', (state, { params }) => {
    const user = userOf(state, params.userId);
    const token = state.refreshTokens.find((t) => t.userId === user.id && t.clientId === params.clientId && t.id === params.tokenId && !t.revoked);
    if (!token) throw notFound(`${params.tokenId} (OAuth2RefreshToken)`);
    token.revoked = true;
    return { status: 204 };
  }],
  ['GET', '/api/v1/users/{userId}/factors', 'okta.users.read', (state, { params, base }) => {
    const user = userOf(state, params.userId);
    return { status: 200, body: (state.factors.get(user.id) ?? []).map((f) => objects.factorObject(base, user.id, f)) };
  }],
  ['DELETE', '/api/v1/users/{userId}/factors/{factorId}', 'okta.users.manage', (state, { params }) => {
    removeListed(state.factors.get(userOf(state, params.userId).id), params.factorId, 'UserFactor');
    return { status: 204 };
  }],
  ['GET', '/api/v1/api-tokens', 'okta.apiTokens.read', (state, { base }) => ({ status: 200, body: state.apiTokens.map((t) => objects.apiTokenObject(base, t)) })],
  ['GET', '/api/v1/api-tokens/{apiTokenId}', 'okta.apiTokens.read', (state, { params, base }) => {
    const token = state.apiTokens.find((t) => t.id === params.apiTokenId);
    if (!token) throw notFound(`${params.apiTokenId} (ApiToken)`);
    return { status: 200, body: objects.apiTokenObject(base, token) };
  }],
  ['DELETE', '/api/v1/api-tokens/{apiTokenId}', 'okta.apiTokens.manage', (state, { params }) => {
    const before = state.apiTokens.length;
    state.apiTokens = state.apiTokens.filter((t) => t.id !== params.apiTokenId);
    if (state.apiTokens.length === before) throw notFound(`${params.apiTokenId} (ApiToken)`);
    return { status: 204 };
  }],
  ['GET', '/api/v1/users/{userId}/groups', 'okta.users.read', (state, { params, base }) => {
    const user = userOf(state, params.userId);
    return { status: 200, body: [...state.groups.values()].filter((g) => g.members.has(user.id)).map((g) => objects.groupObject(base, g)) };
  }],
  ['GET', '/api/v1/groups/{groupId}/users', 'okta.groups.read', (state, request) => {
    const group = state.groups.get(request.params.groupId ?? '');
    if (!group) throw notFound(`${request.params.groupId} (UserGroup)`);
    const members = [...group.members].map((id) => state.users.get(id)).filter((u): u is SandboxUser => Boolean(u));
    return { status: 200, body: page(request, members, 1000, 10000).map((u) => objects.userObject(request.base, u)) };
  }],
  ['DELETE', '/api/v1/groups/{groupId}/users/{userId}', 'okta.groups.manage', (state, { params }) => {
    const group = state.groups.get(params.groupId ?? '');
    if (!group) throw notFound(`${params.groupId} (UserGroup)`);
    const user = userOf(state, params.userId);
    // Only OKTA_GROUP memberships are managed in Okta; app-sourced groups follow their directory.
    if (group.type !== 'OKTA_GROUP') throw new OktaError(403, 'E0000006', `You do not have permission to perform the requested action: group ${group.name} is of type ${group.type}`);
    group.members.delete(user.id);
    return { status: 204 };
  }],
  ['GET', '/api/v1/users/{userId}/roles', 'okta.roles.read', (state, { params, base }) => {
    const user = userOf(state, params.userId);
    return { status: 200, body: (state.roles.get(user.id) ?? []).map((r) => objects.roleObject(base, user.id, r)) };
  }],
  ['DELETE', '/api/v1/users/{userId}/roles/{roleId}', 'okta.roles.manage', (state, { params }) => {
    removeListed(state.roles.get(userOf(state, params.userId).id), params.roleId, 'Role');
    return { status: 204 };
  }],
  ['GET', '/api/v1/iam/assignees/users', 'okta.roles.read', (state, request) => {
    const assignees = [...state.roles].filter(([, roles]) => roles.length > 0).map(([id]) => id);
    const limit = Math.min(100, Math.max(1, Number(text(request.query.limit) ?? 100) || 100));
    const start = Number(text(request.query.after) ?? 0) || 0;
    const next = start + limit < assignees.length ? { next: { href: `${request.base}/api/v1/iam/assignees/users?after=${start + limit}&limit=${limit}` } } : {};
    const value = assignees.slice(start, start + limit).map((id) => ({ id, orn: `orn:okta:directory:sandbox:users:${id}`, _links: { self: { href: `${request.base}/api/v1/users/${id}` } } }));
    return { status: 200, body: { value, _links: next } };
  }],
  ['GET', '/api/v1/users/{userId}/appLinks', 'okta.users.read', (state, { params, base }) => {
    const user = userOf(state, params.userId);
    return { status: 200, body: [...state.apps.values()].filter((a) => a.assignments.has(user.id)).map((a) => objects.appLinkObject(base, a, user.id)) };
  }],
  ['GET', '/api/v1/apps/{appId}/users/{userId}', 'okta.apps.read', (state, { params, base }) => {
    const app = appOf(state, params.appId);
    const user = userOf(state, params.userId);
    if (!app.assignments.has(user.id)) throw notFound(`${params.userId} (AppUser)`);
    return { status: 200, body: objects.appUserObject(base, app, user) };
  }],
  ['DELETE', '/api/v1/apps/{appId}/users/{userId}', 'okta.apps.manage', (state, { params }) => {
    const app = appOf(state, params.appId);
    const user = userOf(state, params.userId);
    const assignment = app.assignments.get(user.id);
    if (!assignment) throw notFound(`${params.userId} (AppUser)`);
    if (assignment.scope === 'GROUP') throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action: the user is assigned through a group');
    app.assignments.delete(user.id);
    if (app.provisioning) app.deprovisioned.push(user.id);
    return { status: 204 };
  }],
  ['GET', '/api/v1/logs', 'okta.logs.read', (state, request) => {
    const since = text(request.query.since);
    const until = text(request.query.until);
    const from = since ? Date.parse(since) : Date.now() - 7 * 86_400_000;
    const to = until ? Date.parse(until) : Infinity;
    if (Number.isNaN(from) || Number.isNaN(to)) throw invalid('since and until must be ISO 8601 timestamps');
    let entries = state.logs.filter((e) => e.published.getTime() >= from && e.published.getTime() < to);
    const filter = text(request.query.filter);
    if (filter) {
      try {
        const predicate = parseExpression(filter);
        entries = entries.filter((e) => predicate(objects.logEventObject(e)));
      } catch (error) {
        throw invalid((error as Error).message);
      }
    }
    if (text(request.query.sortOrder) === 'DESCENDING') entries = [...entries].reverse();
    return { status: 200, body: page(request, entries, 100, 1000).map(objects.logEventObject) };
  }],
  ['GET', '/api/v1/sessions/me', null, (state, { cookie, base }) => {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(cookie ?? '')?.[1];
    const session = state.sessions.find((s) => s.id === sid);
    const user = session && state.users.get(session.userId);
    if (!session || !user) return { status: 404, body: { errorCode: 'E0000007', errorSummary: 'Not found: Resource not found: me (Session)', errorLink: 'E0000007', errorId: randomUUID(), errorCauses: [] } };
    return { status: 200, body: objects.sessionObject(base, session, user) };
  }],
  ['POST', '/oauth2/v1/token', null, (state, { body, base }) => {
    if (body.grant_type === 'client_credentials') return serviceAppToken(state, body, base);
    if (body.grant_type !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' } };
    const token = state.refreshTokens.find((t) => t.value === body.refresh_token && t.clientId === body.client_id);
    const user = token && state.users.get(token.userId);
    const valid = token && !token.revoked && user?.status === 'ACTIVE';
    if (user) state.log('app.oauth2.token.grant.refresh_token', user, [], valid ? 'SUCCESS' : 'FAILURE', valid ? 'OAuth2 refresh token grant' : 'OAuth2 refresh token grant denied: invalid_grant');
    if (!valid) return { status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' } };
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: randomBytes(24).toString('base64url'), scope: token.scopes.join(' ') } };
  }],
  ['POST', '/oauth2/v1/introspect', null, (state, { body }) => {
    const token = state.refreshTokens.find((t) => t.value === body.token);
    const user = token && state.users.get(token.userId);
    const active = Boolean(token && !token.revoked && user?.status === 'ACTIVE');
    return { status: 200, body: active ? { active, token_type: 'refresh_token', client_id: token!.clientId, uid: user!.id, username: user!.login, scope: token!.scopes.join(' ') } : { active } };
  }],
  ['POST', '/oauth2/v1/global-token-revocation', 'okta.universalLogout.manage', (state, { body, caller }) => {
    const subject = body.sub_id as { format?: string; id?: string } | undefined;
    const user = subject?.format === 'opaque' && subject.id ? state.user(subject.id) : undefined;
    if (!user) return { status: 400, body: undefined };
    state.sessions = state.sessions.filter((s) => s.userId !== user.id);
    for (const token of state.refreshTokens) if (token.userId === user.id) token.revoked = true;
    state.log('user.session.end', actorOf(caller), [user], 'SUCCESS', 'Universal Logout: global token revocation');
    return { status: 204 };
  }],
];

/** OAuth 2.0 client credentials with a private-key JWT (RFC 7523), as an Okta service app uses. */
function serviceAppToken(state: OktaState, body: Record<string, unknown>, base: string): Result {
  const deny = (description: string) => ({ status: 401, body: { error: 'invalid_client', error_description: description } });
  if (body.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || typeof body.client_assertion !== 'string') return deny('A client_assertion is required.');
  const [header, payload, signature] = body.client_assertion.split('.');
  let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
  try {
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return deny('The client_assertion is not a JWT.');
  }
  const app = state.serviceApps.get(claims.iss ?? '');
  if (!app || claims.sub !== claims.iss) return deny('The client_assertion names an unknown client.');
  if (claims.aud !== `${base}/oauth2/v1/token`) return deny('The audience of the client_assertion is not this token endpoint.');
  if (!claims.exp || claims.exp * 1000 < Date.now()) return deny('The client_assertion has expired.');
  const verified = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(app.publicKey, Buffer.from(signature ?? '', 'base64url'));
  if (!verified) return deny('The client_assertion signature is invalid.');
  const requested = String(body.scope ?? '').split(' ').filter(Boolean);
  const missing = requested.filter((s) => !app.scopes.includes(s));
  if (missing.length > 0) return { status: 400, body: { error: 'invalid_scope', error_description: `The following scopes are not granted: ${missing.join(', ')}` } };
  const value = randomBytes(32).toString('base64url');
  state.accessTokens.set(value, { clientId: app.clientId, scopes: requested, expires: Date.now() + 3600_000 });
  return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: value, scope: requested.join(' ') } };
}

function identify(state: OktaState, authorization: string | undefined): Caller {
  if (!authorization) return { kind: 'anonymous' };
  const [scheme, value = ''] = authorization.split(' ', 2);
  if (scheme === 'SSWS') {
    const token = state.apiTokens.find((t) => t.value === value);
    const user = token && state.users.get(token.userId);
    if (!token || !user || user.status !== 'ACTIVE') throw invalidToken();
    token.lastUsed = new Date();
    return { kind: 'token', user };
  }
  if (scheme === 'Bearer') {
    const token = state.accessTokens.get(value);
    if (!token || token.expires < Date.now()) throw invalidToken();
    return { kind: 'service', clientId: token.clientId, scopes: token.scopes };
  }
  throw invalidToken();
}

const compiled = routes.map(([method, template, scope, handler]) => ({
  method,
  template,
  scope,
  handler,
  names: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

const NOT_MUTATING = new Set(['/oauth2/v1/token', '/oauth2/v1/introspect']);

/**
 * An Okta org stand-in on 127.0.0.1: users and their lifecycle, sessions, consent grants and
 * refresh tokens, factors, API tokens, groups, admin roles, app assignments (with provisioning),
 * the System Log, service apps (private-key JWT) and the person-facing checks that prove a
 * revocation (a session cookie, a refresh token, an API token). Okta's error shape, cursor paging
 * with Link headers, X-Rate-Limit-* headers, seeded 429s and 500s, latency; every exchange logged.
 */
export async function startOktaSandbox(options: Partial<OktaFaults> & { seed?: number } = {}): Promise<OktaSandbox> {
  const state = new OktaState();
  const faults: OktaFaults = {
    latencyMs: options.latencyMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    throttleRate: options.throttleRate ?? 0,
    throttleNext: options.throttleNext ?? 0,
    throttleNextWrites: options.throttleNextWrites ?? 0,
    resetSeconds: options.resetSeconds ?? 1,
    failureRate: options.failureRate ?? 0,
    dropRate: options.dropRate ?? 0,
    limitPerWindow: options.limitPerWindow ?? 600,
    windowSeconds: options.windowSeconds ?? 60,
    phantomNotFound: options.phantomNotFound ?? [],
  };
  const random = seededRandom(options.seed ?? 11);
  const arrival = jitterOnArrival((options.seed ?? 11) + 1);
  const exchanges: OktaExchange[] = [];
  const window = { index: 0, used: 0 };
  let port = 0;

  const server = createServer(withRequestBody(handle));

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    await arrival(faults);
    const base = `http://127.0.0.1:${port}`;
    const url = new URL(req.url ?? '/', base);
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : [existing, value].flat();
    }
    let requestBody: unknown;
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) requestBody = Object.fromEntries(new URLSearchParams(raw));
    else {
      try {
        requestBody = raw ? JSON.parse(raw) : undefined;
      } catch {
        requestBody = raw;
      }
    }
    const method = req.method ?? 'GET';
    const route = compiled.find((r) => r.method === method && r.pattern.test(url.pathname));
    const exchange: OktaExchange = { method, route: route?.template, path: url.pathname, query, requestBody, status: 0, responseBody: undefined, mutating: method !== 'GET' && !NOT_MUTATING.has(url.pathname), caller: '' };
    exchanges.push(exchange);

    const index = Math.floor(Date.now() / 1000 / faults.windowSeconds);
    if (index !== window.index) Object.assign(window, { index, used: 0 });
    const windowReset = (index + 1) * faults.windowSeconds;
    window.used += 1;
    const rateHeaders = (reset: number, remaining: number) => ({ 'x-rate-limit-limit': String(faults.limitPerWindow), 'x-rate-limit-remaining': String(Math.max(0, remaining)), 'x-rate-limit-reset': String(reset) });

    const send = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      exchange.status = status;
      exchange.responseBody = body;
      res.writeHead(status, { 'content-type': 'application/json', 'x-okta-request-id': randomUUID(), date: new Date().toUTCString(), ...rateHeaders(windowReset, faults.limitPerWindow - window.used), ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const fail = (error: OktaError) => send(error.status, { errorCode: error.errorCode, errorSummary: error.message, errorLink: error.errorCode, errorId: `oae${randomBytes(8).toString('hex')}`, errorCauses: error.causes.map((errorSummary) => ({ errorSummary })) }, error.headers);

    const throttledWrite = exchange.mutating && faults.throttleNextWrites > 0;
    if (throttledWrite) faults.throttleNextWrites -= 1;
    const throttled = throttledWrite || faults.throttleNext > 0 || (faults.throttleRate > 0 && random() < faults.throttleRate) || window.used > faults.limitPerWindow;
    if (throttled) {
      if (!throttledWrite && faults.throttleNext > 0) faults.throttleNext -= 1;
      const reset = window.used > faults.limitPerWindow ? windowReset : Math.ceil(Date.now() / 1000) + faults.resetSeconds;
      return fail(new OktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', [], rateHeaders(reset, 0)));
    }
    if (faults.failureRate > 0 && random() < faults.failureRate) return fail(new OktaError(500, 'E0000009', 'Internal Server Error'));
    if (faults.dropRate > 0 && random() < faults.dropRate) {
      req.socket.destroy();
      return;
    }
    if (!route) return fail(notFound(url.pathname));
    if (faults.phantomNotFound.includes(`${method} ${route.template}`)) return fail(notFound(url.pathname));

    let caller: Caller;
    try {
      caller = identify(state, req.headers.authorization);
      exchange.caller = caller.kind === 'token' ? caller.user.login : caller.kind === 'service' ? `service app ${caller.clientId}` : 'anonymous';
      authorize(state, caller, route.scope);
    } catch (error) {
      if (error instanceof OktaError) return fail(error);
      throw error;
    }
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(route.pattern.exec(url.pathname)![i + 1]!)]));
    try {
      const result = route.handler(state, { params, query, body: (requestBody ?? {}) as Record<string, unknown>, caller, base, url, cookie: req.headers.cookie, res });
      return await send(result.status, result.status === 204 ? undefined : result.body);
    } catch (error) {
      if (error instanceof OktaError) return fail(error);
      throw error;
    }
  }

  const listening = await listenOnLoopback(server);
  port = listening.port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    exchanges,
    close: listening.close,
  };
}
