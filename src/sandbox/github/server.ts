import type { SandboxExchange } from '../exchange.js';
import { withRequestBody } from '../request-body.js';
import { createVerify, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jitterOnArrival } from '../network.js';
import { seededRandom } from '../random.js';
import type { Api } from './objects.js';
import { GitHubState } from './state.js';
import { HttpError, notFound, type Caller, type Route } from './http.js';
import { appRoutes } from './routes/app.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { credentialRevocationRoutes } from './routes/credential-revocation.js';
import { credentialRoutes } from './routes/credentials.js';
import { memberRoutes } from './routes/members.js';
import { repositoryRoutes } from './routes/repos.js';
import { seatRoutes } from './routes/seats.js';
import { listenOnLoopback } from '../listen.js';

export interface GitHubFaults {
  /** Before processing, each request waits a random 0 to jitterMs (requests sent together may be processed in any order); 0 by default. */
  jitterMs: number;
  latencyMs: number;
  /** Fraction (0-1) of requests answered with a secondary rate limit (403 or 429, Retry-After). */
  secondaryRateLimitRate: number;
  retryAfterSeconds: number;
  /** Fraction (0-1) of requests answered 500. */
  failureRate: number;
}

export interface Exchange extends SandboxExchange {
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

const routes: Route[] = [...memberRoutes, ...credentialRoutes, ...seatRoutes, ...repositoryRoutes, ...auditLogRoutes, ...appRoutes, ...credentialRevocationRoutes];

const compiled = routes.map(([method, template, handler, options]) => {
  const names: string[] = [];
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { method, template, handler, names, pattern, unauthenticated: options?.unauthenticated === true };
});

function identify(state: GitHubState, authorization: string | undefined): Caller {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new HttpError(401, 'Requires authentication');
  const credential = match[1]!;
  const user = state.tokens.get(credential);
  if (user) return { kind: 'user', login: user.login, scopes: user.scopes, ...(user.sso ? { sso: user.sso } : {}) };
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

/**
 * An org that enforces SAML single sign-on answers a token authorized for it (its credential
 * authorization) only while that authorization exists: once an owner removes it
 * (DELETE /orgs/{org}/credential-authorizations/{credential_id}), GitHub answers 403 "Resource
 * protected by organization SAML enforcement" to the token on the org's resources, repositories
 * included. Tokens seeded without an authorization (the operator's) are not held to it.
 */
function refuseWithoutSsoAuthorization(state: GitHubState, caller: Caller, org: string | undefined): void {
  if (caller.kind !== 'user' || !caller.sso || org === undefined || caller.sso.org.toLowerCase() !== org.toLowerCase()) return;
  const organization = state.orgs.get(caller.sso.org);
  if (!organization?.samlSso) return;
  if (organization.credentialAuthorizations.some((authorization) => authorization.credential_id === caller.sso!.credentialId)) return;
  throw new HttpError(403, 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.');
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
  const faults: GitHubFaults = { latencyMs: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0, secondaryRateLimitRate: options.secondaryRateLimitRate ?? 0, retryAfterSeconds: options.retryAfterSeconds ?? 1, failureRate: options.failureRate ?? 0 };
  const random = seededRandom(options.seed ?? 7);
  const arrival = jitterOnArrival((options.seed ?? 7) + 1);
  const exchanges: Exchange[] = [];
  let port = 0;

  const server = createServer(withRequestBody(handle));

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    await arrival(faults);
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
      // GitHub.com answers 403 to any authenticated request on the routes that take no credentials.
      if (route.unauthenticated && req.headers.authorization) throw new HttpError(403, 'This endpoint does not accept authenticated requests');
      caller = route.unauthenticated ? { kind: 'anonymous' } : identify(state, req.headers.authorization);
    } catch (error) {
      return fail(error as HttpError);
    }
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(route.pattern.exec(path)![i + 1]!)]));
    try {
      refuseWithoutSsoAuthorization(state, caller, params.org ?? params.owner);
    } catch (error) {
      return fail(error as HttpError);
    }
    exchange.caller = caller.kind === 'user' ? caller.login : caller.kind === 'app' ? `app ${caller.appId}` : caller.kind === 'anonymous' ? 'anonymous' : `installation ${caller.installationId}`;
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

  const listening = await listenOnLoopback(server, options.port);
  port = listening.port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    exchanges,
    close: listening.close,
  };
}
