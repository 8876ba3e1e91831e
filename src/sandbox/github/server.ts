import { createVerify, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../random.js';
import { codespace, isoSeconds, minimalRepository, organizationFull, organizationSimple, privateUser, simpleUser, team, type Api } from './objects.js';
import { GitHubState, type Org } from './state.js';

export interface GitHubFaults {
  latencyMs: number;
  /** Fraction (0-1) of requests answered with a secondary rate limit (403 or 429, Retry-After). */
  secondaryRateLimitRate: number;
  retryAfterSeconds: number;
  /** Fraction (0-1) of requests answered 500. */
  failureRate: number;
}

export interface Exchange {
  method: string;
  /** The route template, e.g. /orgs/{org}/members, or undefined when no route matched. */
  route: string | undefined;
  path: string;
  query: Record<string, string | string[]>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  mutating: boolean;
  /** Served under /api/v3, as GitHub Enterprise Server does. */
  enterprise: boolean;
  caller: string;
  startedAt: number;
  finishedAt: number;
}

export interface GitHubSandbox {
  /** http://127.0.0.1:<port>; the same API is also served under /api/v3 like GitHub Enterprise Server. */
  url: string;
  state: GitHubState;
  faults: GitHubFaults;
  exchanges: Exchange[];
  close(): Promise<void>;
}

type Caller =
  | { kind: 'user'; login: string; scopes: string[] }
  | { kind: 'installation'; appId: number; installationId: number; org: string; permissions: Record<string, string> }
  | { kind: 'app'; appId: number };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Request {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: Record<string, unknown>;
  caller: Caller;
  api: Api;
  url: URL;
  res: ServerResponse;
}

type Handler = (state: GitHubState, request: Request) => { status: number; body?: unknown };

const notFound = () => new HttpError(404, 'Not Found');
const integrationDenied = () => new HttpError(403, 'Resource not accessible by integration');

/** Owner of `org` with one of `scopes` (classic token), or an installation with `permission`. */
function requireAdmin(org: Org, caller: Caller, scopes: string[], permission: [string, 'read' | 'write'], options: { hideWith404?: boolean } = {}): void {
  if (caller.kind === 'installation') {
    const level = caller.permissions[permission[0]];
    if (caller.org !== org.login || !level || (permission[1] === 'write' && level !== 'write')) throw integrationDenied();
    return;
  }
  if (caller.kind !== 'user') throw new HttpError(401, 'A JSON web token could not be decoded');
  const member = org.members.get(caller.login);
  if (!scopes.some((s) => caller.scopes.includes(s))) {
    if (options.hideWith404) throw notFound();
    throw new HttpError(403, `Your token has not been granted the required scopes to execute this query. It needs one of: ${scopes.join(', ')}.`);
  }
  if (member?.role !== 'admin') throw new HttpError(403, 'You must be an admin to do that.');
}

function requireMemberRead(org: Org, caller: Caller): void {
  if (caller.kind === 'installation') {
    if (caller.org !== org.login || !caller.permissions.members) throw integrationDenied();
    return;
  }
  if (caller.kind !== 'user' || !['read:org', 'admin:org'].some((s) => caller.scopes.includes(s)) || !org.members.has(caller.login)) {
    throw new HttpError(403, 'You need read:org and membership to list members');
  }
}

function paginate<T>(request: Request, items: T[]): T[] {
  const perPage = Math.min(100, Math.max(1, Number(request.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(request.query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const url = new URL(request.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  if (links.length > 0) request.res.setHeader('link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}

function org(state: GitHubState, login: string | undefined): Org {
  const found = state.orgs.get(login ?? '');
  if (!found) throw notFound();
  return found;
}

const routes: Array<[string, string, Handler]> = [
  ['GET', '/user', (state, { caller, api }) => {
    if (caller.kind !== 'user') throw integrationDenied();
    const user = state.user(caller.login);
    return { status: 200, body: privateUser(api, caller.login, user.id, user.created) };
  }],
  ['GET', '/orgs/{org}', (state, { params, api }) => {
    const o = org(state, params.org);
    return { status: 200, body: organizationFull(api, o.login, o.id, o.created) };
  }],
  ['GET', '/orgs/{org}/members', (state, request) => {
    const o = org(state, request.params.org);
    requireMemberRead(o, request.caller);
    const role = request.query.role ?? 'all';
    const logins = [...o.members].filter(([, m]) => role === 'all' || m.role === role).map(([login]) => login);
    return { status: 200, body: paginate(request, logins).map((login) => simpleUser(request.api, login, state.user(login).id)) };
  }],
  ['GET', '/orgs/{org}/members/{username}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireMemberRead(o, caller);
    return { status: o.members.has(params.username!) ? 204 : 404 };
  }],
  ['GET', '/orgs/{org}/memberships/{username}', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireMemberRead(o, caller);
    const member = o.members.get(params.username!);
    if (!member) throw notFound();
    return {
      status: 200,
      body: {
        url: `${api.base}/orgs/${o.login}/memberships/${params.username}`,
        state: 'active',
        role: member.role,
        organization_url: `${api.base}/orgs/${o.login}`,
        organization: organizationSimple(api, o.login, o.id),
        user: simpleUser(api, params.username!, state.user(params.username!).id),
      },
    };
  }],
  ['DELETE', '/orgs/{org}/memberships/{username}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    if (!o.members.delete(params.username!)) throw notFound();
    for (const t of o.teams.values()) t.members.delete(params.username!);
    o.copilotSeats.delete(params.username!);
    o.credentialAuthorizations = o.credentialAuthorizations.filter((c) => c.login !== params.username);
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/teams', (state, request) => {
    const o = org(state, request.params.org);
    requireMemberRead(o, request.caller);
    return { status: 200, body: paginate(request, [...o.teams]).map(([slug, t]) => team(request.api, o.login, slug, t.id)) };
  }],
  ['GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireMemberRead(o, caller);
    const t = o.teams.get(params.team_slug!);
    if (!t || !t.members.has(params.username!)) throw notFound();
    return { status: 200, body: { url: `${api.base}/teams/${t.id}/memberships/${params.username}`, role: 'member', state: 'active' } };
  }],
  ['GET', '/orgs/{org}/outside_collaborators', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org', 'read:org'], ['members', 'read']);
    return { status: 200, body: paginate(request, [...o.outsideCollaborators]).map((login) => simpleUser(request.api, login, state.user(login).id)) };
  }],
  ['DELETE', '/orgs/{org}/outside_collaborators/{username}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    if (!o.outsideCollaborators.delete(params.username!)) throw notFound();
    for (const repo of o.repos.values()) repo.collaborators.delete(params.username!);
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/invitations', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org'], ['members', 'read']);
    return {
      status: 200,
      body: paginate(request, o.invitations).map((i) => ({
        id: i.id,
        login: i.login,
        email: i.email,
        role: i.role,
        created_at: isoSeconds(i.created),
        inviter: simpleUser(request.api, i.inviter, state.user(i.inviter).id),
        team_count: 0,
        node_id: Buffer.from(`04:OrganizationInvitation${i.id}`).toString('base64'),
        invitation_teams_url: `${request.api.base}/organizations/${o.id}/invitations/${i.id}/teams`,
      })),
    };
  }],
  ['DELETE', '/orgs/{org}/invitations/{invitation_id}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    const before = o.invitations.length;
    o.invitations = o.invitations.filter((i) => String(i.id) !== params.invitation_id);
    if (o.invitations.length === before) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/credential-authorizations', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org', 'read:org'], ['members', 'read']);
    if (!o.samlSso) throw new HttpError(404, 'SAML SSO is not enabled for this organization');
    const login = request.query.login;
    const list = o.credentialAuthorizations.filter((c) => !login || c.login === login);
    return {
      status: 200,
      body: paginate(request, list).map((c) => ({
        login: c.login,
        credential_id: c.credential_id,
        credential_type: c.credential_type,
        credential_authorized_at: isoSeconds(c.authorized),
        credential_accessed_at: c.accessed ? isoSeconds(c.accessed) : null,
        authorized_credential_id: null,
        ...(c.token_last_eight ? { token_last_eight: c.token_last_eight } : {}),
        ...(c.scopes ? { scopes: c.scopes } : {}),
      })),
    };
  }],
  ['DELETE', '/orgs/{org}/credential-authorizations/{credential_id}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    const before = o.credentialAuthorizations.length;
    o.credentialAuthorizations = o.credentialAuthorizations.filter((c) => String(c.credential_id) !== params.credential_id);
    if (before === o.credentialAuthorizations.length) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/personal-access-tokens', (state, request) => {
    const o = org(state, request.params.org);
    if (request.caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, request.caller, [], ['organization_personal_access_tokens', 'read']);
    const owners = [request.query['owner[]'] ?? []].flat();
    const grants = o.patGrants.filter((g) => owners.length === 0 || owners.includes(g.owner));
    return { status: 200, body: paginate(request, grants).map((g) => patBody(request.api, o, state, g, { access_granted_at: isoSeconds(g.granted), token_last_used_at: g.lastUsed ? isoSeconds(g.lastUsed) : null })) };
  }],
  ['POST', '/orgs/{org}/personal-access-tokens/{pat_id}', (state, { params, caller, body }) => {
    const o = org(state, params.org);
    if (caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, caller, [], ['organization_personal_access_tokens', 'write']);
    if (body.action !== 'revoke') throw new HttpError(422, 'action must be revoke');
    const before = o.patGrants.length;
    o.patGrants = o.patGrants.filter((g) => String(g.id) !== params.pat_id);
    if (before === o.patGrants.length) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/personal-access-token-requests', (state, request) => {
    const o = org(state, request.params.org);
    if (request.caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, request.caller, [], ['organization_personal_access_token_requests', 'read']);
    const owners = [request.query['owner[]'] ?? []].flat();
    const pending = o.patRequests.filter((r) => owners.length === 0 || owners.includes(r.owner));
    return { status: 200, body: paginate(request, pending).map((r) => patBody(request.api, o, state, r, { created_at: isoSeconds(r.created), reason: r.reason })) };
  }],
  ['POST', '/orgs/{org}/personal-access-token-requests/{pat_request_id}', (state, { params, caller, body }) => {
    const o = org(state, params.org);
    if (caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, caller, [], ['organization_personal_access_token_requests', 'write']);
    if (body.action !== 'deny' && body.action !== 'approve') throw new HttpError(422, 'action must be approve or deny');
    const before = o.patRequests.length;
    o.patRequests = o.patRequests.filter((r) => String(r.id) !== params.pat_request_id);
    if (before === o.patRequests.length) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/members/{username}/codespaces', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org'], ['organization_codespaces', 'read']);
    const mine = o.codespaces.filter((c) => c.owner === request.params.username);
    const page = paginate(request, mine);
    return { status: 200, body: { total_count: mine.length, codespaces: page.map((c) => codespaceBody(request.api, o, state, c)) } };
  }],
  ['POST', '/orgs/{org}/members/{username}/codespaces/{codespace_name}/stop', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['organization_codespaces', 'write'], { hideWith404: true });
    const cs = o.codespaces.find((c) => c.owner === params.username && c.name === params.codespace_name);
    if (!cs) throw notFound();
    cs.state = 'Shutdown';
    return { status: 200, body: codespaceBody(api, o, state, cs) };
  }],
  ['DELETE', '/orgs/{org}/members/{username}/codespaces/{codespace_name}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['organization_codespaces', 'write'], { hideWith404: true });
    const before = o.codespaces.length;
    o.codespaces = o.codespaces.filter((c) => !(c.owner === params.username && c.name === params.codespace_name));
    if (before === o.codespaces.length) throw notFound();
    return { status: 202, body: {} };
  }],
  ['GET', '/orgs/{org}/members/{username}/copilot', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['manage_billing:copilot', 'admin:org'], ['organization_copilot_seat_management', 'read']);
    const seat = o.copilotSeats.get(params.username!);
    if (!seat) throw notFound();
    return {
      status: 200,
      body: {
        created_at: isoSeconds(seat.created),
        assignee: simpleUser(api, params.username!, state.user(params.username!).id),
        ...(seat.assigningTeam ? { assigning_team: team(api, o.login, seat.assigningTeam, o.teams.get(seat.assigningTeam)?.id ?? 1) } : {}),
        pending_cancellation_date: null,
        last_activity_at: null,
        last_activity_editor: null,
        plan_type: 'business',
      },
    };
  }],
  ['DELETE', '/orgs/{org}/copilot/billing/selected_users', (state, { params, caller, body }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['manage_billing:copilot', 'admin:org'], ['organization_copilot_seat_management', 'write']);
    const users = Array.isArray(body.selected_usernames) ? (body.selected_usernames as string[]) : [];
    if (users.length === 0) throw new HttpError(422, 'selected_usernames is required');
    const viaTeam = users.filter((u) => o.copilotSeats.get(u)?.assigningTeam);
    if (viaTeam.length > 0) throw new HttpError(422, `Seats for ${viaTeam.join(', ')} are assigned through a team; remove them from the team instead.`);
    let cancelled = 0;
    for (const u of users) if (o.copilotSeats.delete(u)) cancelled++;
    return { status: 200, body: { seats_cancelled: cancelled } };
  }],
  ['GET', '/orgs/{org}/repos', (state, request) => {
    const o = org(state, request.params.org);
    if (request.caller.kind === 'user' && !o.members.has(request.caller.login)) throw notFound();
    return { status: 200, body: paginate(request, [...o.repos]).map(([name, r]) => minimalRepository(request.api, o.login, o.id, name, r.id, r.private)) };
  }],
  ['GET', '/repos/{owner}/{repo}/collaborators', (state, request) => {
    const o = org(state, request.params.owner);
    const repo = o.repos.get(request.params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, request.caller, ['repo'], ['administration', 'read'], { hideWith404: true });
    const direct = [...repo.collaborators].filter(([login]) => request.query.affiliation !== 'outside' || o.outsideCollaborators.has(login));
    return { status: 200, body: paginate(request, direct).map(([login, role]) => ({ ...simpleUser(request.api, login, state.user(login).id), role_name: role })) };
  }],
  ['GET', '/repos/{owner}/{repo}/collaborators/{username}', (state, { params, caller }) => {
    const o = org(state, params.owner);
    const repo = o.repos.get(params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, caller, ['repo'], ['administration', 'read'], { hideWith404: true });
    return { status: repo.collaborators.has(params.username!) ? 204 : 404 };
  }],
  ['DELETE', '/repos/{owner}/{repo}/collaborators/{username}', (state, { params, caller }) => {
    const o = org(state, params.owner);
    const repo = o.repos.get(params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, caller, ['repo'], ['administration', 'write'], { hideWith404: true });
    if (!repo.collaborators.delete(params.username!)) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/audit-log', (state, request) => {
    const o = org(state, request.params.org);
    if (!o.auditLog) throw notFound(); // not Enterprise Cloud
    requireAdmin(o, request.caller, ['admin:org', 'read:audit_log'], ['organization_administration', 'read']);
    const phrase = String(request.query.phrase ?? '');
    const actor = /actor:(\S+)/.exec(phrase)?.[1];
    const from = /created:>=(\S+)/.exec(phrase)?.[1];
    const entries = o.auditLog.filter((e) => (!actor || e.actor.toLowerCase() === actor.toLowerCase()) && (!from || e.at >= new Date(from.endsWith('Z') ? from : `${from}Z`)));
    return {
      status: 200,
      body: entries.map((e) => ({ '@timestamp': e.at.getTime(), _document_id: e.id, action: e.action, actor: e.actor, org: o.login, created_at: e.at.getTime(), operation_type: 'access' })),
    };
  }],
  ['POST', '/app/installations/{installation_id}/access_tokens', (state, { params, caller }) => {
    if (caller.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
    const installation = state.apps.get(caller.appId)?.installations.get(Number(params.installation_id));
    if (!installation) throw notFound();
    const token = `ghs_sandbox${state.id()}${'x'.repeat(24)}`;
    const expires = new Date(Date.now() + 3600_000);
    state.installationTokens.set(token, { appId: caller.appId, installationId: Number(params.installation_id), expires });
    return { status: 201, body: { token, expires_at: isoSeconds(expires), permissions: installation.permissions, repository_selection: 'all' } };
  }],
];

function patBody(api: Api, o: Org, state: GitHubState, pat: { id: number; owner: string; token_id: number; token_name: string }, extra: Record<string, unknown>) {
  return {
    id: pat.id,
    owner: simpleUser(api, pat.owner, state.user(pat.owner).id),
    repository_selection: 'all',
    repositories_url: `${api.base}/organizations/${o.id}/personal-access-tokens/${pat.id}/repositories`,
    permissions: { organization: {}, repository: { contents: 'read' }, other: {} },
    token_id: pat.token_id,
    token_name: pat.token_name,
    token_expired: false,
    token_expires_at: null,
    token_last_used_at: null,
    ...extra,
  };
}

function codespaceBody(api: Api, o: Org, state: GitHubState, c: Org['codespaces'][number]) {
  const repo = o.repos.get(c.repo);
  return codespace(api, o.login, o.id, { login: c.owner, id: state.user(c.owner).id }, { id: c.id, name: c.name, state: c.state, repo: c.repo, repoId: repo?.id ?? 1, created: c.created });
}

const compiled = routes.map(([method, template, handler]) => {
  const names: string[] = [];
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { method, template, handler, names, pattern };
});

function identify(state: GitHubState, authorization: string | undefined): Caller {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new HttpError(401, 'Requires authentication');
  const credential = match[1]!;
  const user = state.tokens.get(credential);
  if (user) return { kind: 'user', login: user.login, scopes: user.scopes };
  const installation = state.installationTokens.get(credential);
  if (installation) {
    if (installation.expires.getTime() < Date.now()) throw new HttpError(401, 'Bad credentials');
    const registration = state.apps.get(installation.appId)!.installations.get(installation.installationId)!;
    return { kind: 'installation', appId: installation.appId, installationId: installation.installationId, org: registration.org, permissions: registration.permissions };
  }
  const appId = verifyAppJwt(state, credential);
  if (appId !== undefined) return { kind: 'app', appId };
  throw new HttpError(401, 'Bad credentials');
}

/** A GitHub App's JWT: RS256, signed by the app's private key, `iss` = app id, not expired. */
function verifyAppJwt(state: GitHubState, jwt: string): number | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: number | string; exp?: number };
    const app = state.apps.get(Number(claims.iss));
    if (!app || !claims.exp || claims.exp * 1000 < Date.now()) return undefined;
    const ok = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(app.publicKey, Buffer.from(signature, 'base64url'));
    return ok ? Number(claims.iss) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A GitHub REST API stand-in on 127.0.0.1: org members and roles, teams, invitations, outside and
 * repository collaborators, SAML credential authorizations, fine-grained PAT grants and requests,
 * Copilot seats and codespaces. Classic tokens (with scopes, X-OAuth-Scopes), GitHub App JWTs and
 * installation tokens; Link-header pagination; GitHub's status codes; latency, secondary rate
 * limits (403/429 with Retry-After) and 500s on demand; every exchange logged.
 */
export async function startGitHubSandbox(options: Partial<GitHubFaults> & { seed?: number; port?: number } = {}): Promise<GitHubSandbox> {
  const state = new GitHubState();
  const faults: GitHubFaults = { latencyMs: options.latencyMs ?? 0, secondaryRateLimitRate: options.secondaryRateLimitRate ?? 0, retryAfterSeconds: options.retryAfterSeconds ?? 1, failureRate: options.failureRate ?? 0 };
  const random = seededRandom(options.seed ?? 7);
  const exchanges: Exchange[] = [];
  let port = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const startedAt = performance.now();
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const enterprise = url.pathname.startsWith('/api/v3/') || url.pathname === '/api/v3';
    const path = enterprise ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname;
    const api: Api = { base: `http://127.0.0.1:${port}${enterprise ? '/api/v3' : ''}`, web: `http://127.0.0.1:${port}` };
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : [existing, value].flat();
    }
    let requestBody: unknown;
    try {
      requestBody = raw ? JSON.parse(raw) : undefined;
    } catch {
      requestBody = raw;
    }
    const method = req.method ?? 'GET';
    const route = compiled.find((r) => r.method === method && r.pattern.test(path));
    const exchange: Exchange = { method, route: route?.template, path, query, requestBody, status: 0, responseBody: undefined, mutating: method !== 'GET' && method !== 'HEAD', enterprise, caller: '', startedAt, finishedAt: 0 };
    exchanges.push(exchange);

    const send = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      exchange.status = status;
      exchange.responseBody = body;
      exchange.finishedAt = performance.now();
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': randomUUID(), 'x-github-api-version-selected': '2022-11-28', ...headers });
      res.end(text);
    };
    const fail = (error: HttpError) => send(error.status, { message: error.message, documentation_url: 'https://docs.github.com/rest', status: String(error.status) }, error.headers);

    if (faults.secondaryRateLimitRate > 0 && random() < faults.secondaryRateLimitRate) {
      const status = random() < 0.5 ? 403 : 429;
      return fail(new HttpError(status, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': String(faults.retryAfterSeconds) }));
    }
    if (faults.failureRate > 0 && random() < faults.failureRate) return fail(new HttpError(500, 'Server Error'));
    if (!route) return fail(notFound());

    let caller: Caller;
    try {
      caller = identify(state, req.headers.authorization);
    } catch (error) {
      return fail(error as HttpError);
    }
    exchange.caller = caller.kind === 'user' ? caller.login : caller.kind === 'app' ? `app ${caller.appId}` : `installation ${caller.installationId}`;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(route.pattern.exec(path)![i + 1]!)]));
    // No audit entries are made up from requests: GitHub documents API-request events only for
    // enterprise audit log streams, not for GET /orgs/{org}/audit-log, and nothing says denied
    // requests of non-members are logged. Tests seed the org's auditLog with documented events.
    try {
      const result = route.handler(state, { params, query, body: (requestBody ?? {}) as Record<string, unknown>, caller, api, url, res });
      const headers: Record<string, string> = caller.kind === 'user' ? { 'x-oauth-scopes': caller.scopes.join(', ') } : {};
      return await send(result.status, result.status === 204 ? undefined : result.body, headers);
    } catch (error) {
      if (error instanceof HttpError) return fail(error);
      throw error;
    }
  }

  // A taken --port-base port rejects (EADDRINUSE) instead of never resolving.
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
