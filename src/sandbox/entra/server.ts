import { withRequestBody } from '../request-body.js';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jitterOnArrival } from '../network.js';
import { seededRandom } from '../random.js';
import { GraphError, graphRoutes, type GraphAnswer, type GraphCaller } from './graph-routes.js';
import { openIdConfiguration, tokenGrant } from './identity.js';
import { EntraState } from './state.js';
import { selfSignedCertificate } from './tls.js';
import { listenOnLoopback } from '../listen.js';

export interface EntraFaults {
  /** Before processing, each request waits a random 0 to jitterMs (requests sent together may be processed in any order); 0 by default. */
  jitterMs: number;
  latencyMs: number;
  /** Fraction (0-1) of Graph requests answered 429 TooManyRequests with Retry-After. */
  throttleRate: number;
  /** Fraction (0-1) of Graph requests answered 503 ServiceUnavailable with Retry-After. */
  unavailableRate: number;
  retryAfterSeconds: number;
  /** The next this-many writes (PATCH/POST/DELETE, not batches) are answered 429 with Retry-After. */
  throttleWrites: number;
  /** The next this-many requests inside a $batch are answered 429 in the batch (Graph throttles items one by one). */
  throttleBatchItems: number;
  /** The next this-many DELETEs answer 404 without acting (a replica that has not seen the object yet). */
  phantomNotFound: number;
  /** The next this-many DELETEs find the object just removed by someone else: it goes, the answer is 404. */
  concurrentRemoval: number;
  /** The most items in one page, whatever $top asks (Graph may page below $top). */
  pageSize: number;
}

export interface EntraExchange {
  method: string;
  /** The Graph route template (as in Graph's OpenAPI description), 'token', or undefined. */
  route: string | undefined;
  path: string;
  query: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  mutating: boolean;
  /** Sent inside a POST /$batch. */
  batched: boolean;
  caller: string;
  /** When the sandbox received it (ms since the epoch). */
  at: number;
}

export interface EntraSandbox {
  /** https://127.0.0.1:<port>: the authority host (login) and Graph (under /v1.0). */
  url: string;
  graphUrl: string;
  /** PEM of the sandbox's self-signed TLS certificate, and a file holding it (for NODE_EXTRA_CA_CERTS). */
  caCertificate: string;
  caFile: string;
  state: EntraState;
  faults: EntraFaults;
  exchanges: EntraExchange[];
  close(): Promise<void>;
}

const compiled = graphRoutes.map(([method, template, permissions, handler]) => {
  const names: string[] = [];
  const pattern = new RegExp(`^${template.replace(/\$/g, '\\$').replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { method, template, permissions, handler, names, pattern };
});

const MAX_BATCH = 20;

/**
 * A Microsoft Entra ID stand-in on 127.0.0.1 over TLS (MSAL accepts only https authorities): the
 * identity platform's OpenID configuration and token endpoint (client secret, certificate
 * assertions, and user password / refresh-token grants so tests can see a revoked session
 * refused), and a stateful Microsoft Graph v1.0 subset with OData errors, @odata.nextLink paging,
 * $batch, application-permission checks, throttling (429/503 with Retry-After) and latency.
 */
export async function startEntraSandbox(options: Partial<EntraFaults> & { seed?: number } = {}): Promise<EntraSandbox> {
  const state = new EntraState();
  const faults: EntraFaults = {
    latencyMs: options.latencyMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    throttleRate: options.throttleRate ?? 0,
    unavailableRate: options.unavailableRate ?? 0,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    throttleWrites: options.throttleWrites ?? 0,
    throttleBatchItems: options.throttleBatchItems ?? 0,
    phantomNotFound: options.phantomNotFound ?? 0,
    concurrentRemoval: options.concurrentRemoval ?? 0,
    pageSize: options.pageSize ?? 1000,
  };
  const random = seededRandom(options.seed ?? 11);
  const arrival = jitterOnArrival((options.seed ?? 11) + 1);
  const tokenSecret = randomBytes(32);
  const exchanges: EntraExchange[] = [];
  const tls = selfSignedCertificate('revoke entra sandbox', { ipSan: '127.0.0.1' });
  const caDir = mkdtempSync(join(tmpdir(), 'revoke-entra-ca-'));
  const caFile = join(caDir, 'sandbox-ca.pem');
  writeFileSync(caFile, tls.cert);
  let base = '';

  function callerOf(authorization: string | undefined): GraphCaller {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const held = token ? state.accessTokens.get(token) : undefined;
    const [unsigned, signature] = token ? [token.slice(0, token.lastIndexOf('.')), token.slice(token.lastIndexOf('.') + 1)] : ['', ''];
    const expected = createHmac('sha256', tokenSecret).update(unsigned).digest('base64url');
    if (!held || expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
      throw new GraphError(401, 'InvalidAuthenticationToken', token ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.');
    }
    if (held.expires.getTime() < Date.now()) throw new GraphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    return { clientId: held.clientId, roles: held.roles, ...(held.userId ? { userId: held.userId } : {}) };
  }

  function graphError(error: GraphError): GraphAnswer & { headers: Record<string, string> } {
    const date = new Date().toISOString().replace(/\.\d{3}Z$/, '');
    return { status: error.status, headers: error.headers, body: { error: { code: error.code, message: error.message, innerError: { date, 'request-id': randomUUID(), 'client-request-id': randomUUID() } } } };
  }

  /** One Graph call (top level or inside a batch), logged as its own exchange. */
  function dispatch(method: string, url: URL, requestBody: unknown, authorization: string | undefined, batched: boolean): GraphAnswer & { headers: Record<string, string> } {
    const path = url.pathname.replace(/^\/v1\.0/, '') || '/';
    const query = Object.fromEntries(url.searchParams);
    const route = compiled.find((r) => r.method === method && r.pattern.test(path));
    const exchange: EntraExchange = { method, route: route?.template, path, query, requestBody, status: 0, responseBody: undefined, mutating: method !== 'GET', batched, caller: '', at: Date.now() };
    exchanges.push(exchange);
    const answer = (() => {
      try {
        const throttleWrite = !batched && method !== 'GET' && faults.throttleWrites > 0;
        if (throttleWrite) faults.throttleWrites -= 1;
        const throttleItem = batched && faults.throttleBatchItems > 0;
        if (throttleItem) faults.throttleBatchItems -= 1;
        // Graph throttles the requests inside a batch one by one, so the faults apply to them too.
        if (throttleWrite || throttleItem || (faults.throttleRate > 0 && random() < faults.throttleRate)) {
          throw new GraphError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(faults.retryAfterSeconds) });
        }
        if (faults.unavailableRate > 0 && random() < faults.unavailableRate) {
          throw new GraphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.', { 'retry-after': String(faults.retryAfterSeconds) });
        }
        if (!route) throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop()}'.`);
        const caller = callerOf(authorization);
        exchange.caller = caller.userId ? (state.users.get(caller.userId)?.userPrincipalName ?? caller.userId) : `app ${caller.clientId}`;
        if (!caller.userId && !route.permissions.some((p) => caller.roles.includes(p))) {
          throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        }
        const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(route.pattern.exec(path)![i + 1]!)]));
        const notFound = new GraphError(404, 'Request_ResourceNotFound', `Resource '${path.split('/').filter((s) => s !== '$ref').pop()}' does not exist or one of its queried reference-property objects are not present.`);
        if (method === 'DELETE' && !batched && faults.phantomNotFound > 0) {
          faults.phantomNotFound -= 1;
          throw notFound;
        }
        const result = route.handler(state, { params, query, body: (requestBody ?? {}) as Record<string, unknown>, caller, url, pageSize: faults.pageSize });
        if (method === 'DELETE' && !batched && faults.concurrentRemoval > 0) {
          faults.concurrentRemoval -= 1;
          throw notFound;
        }
        return { ...result, headers: {} };
      } catch (error) {
        if (error instanceof GraphError) return graphError(error);
        throw error;
      }
    })();
    exchange.status = answer.status;
    exchange.responseBody = answer.status === 204 ? undefined : answer.body;
    return answer;
  }

  /** POST /v1.0/$batch: up to 20 requests, each answered (and logged) on its own. */
  function batch(body: unknown, authorization: string | undefined): GraphAnswer & { headers: Record<string, string> } {
    const requests = (body as { requests?: Array<{ id: string; method: string; url: string; body?: unknown }> })?.requests;
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > MAX_BATCH) {
      return graphError(new GraphError(400, 'BadRequest', `A batch holds 1 to ${MAX_BATCH} requests.`));
    }
    const responses = requests.map((request) => {
      const url = new URL(`/v1.0${request.url.startsWith('/') ? '' : '/'}${request.url}`, base);
      const answer = dispatch(request.method.toUpperCase(), url, request.body, authorization, true);
      return { id: request.id, status: answer.status, headers: { 'Content-Type': 'application/json', ...answer.headers }, ...(answer.status === 204 ? {} : { body: answer.body }) };
    });
    return { status: 200, headers: {}, body: { responses } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    await arrival(faults);
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const loggedFrom = exchanges.length;
    let answer: GraphAnswer & { headers: Record<string, string> };
    const openId = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (openId && method === 'GET') {
      answer = { status: 200, headers: {}, body: openIdConfiguration(base, openId[1]!) };
    } else if (token && method === 'POST') {
      const form = new URLSearchParams(raw);
      const grant = tokenGrant(state, tokenSecret, token[1]!, form, `${base}/${token[1]}/oauth2/v2.0/token`);
      // The form holds secrets (client secret, password, assertion): log only the grant type.
      exchanges.push({ method, route: 'token', path: url.pathname, query: {}, requestBody: { grant_type: form.get('grant_type') }, status: grant.status, responseBody: { error: grant.body.error }, mutating: false, batched: false, caller: grant.caller, at: Date.now() });
      answer = { status: grant.status, headers: {}, body: grant.body };
    } else {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      if (!url.pathname.startsWith('/v1.0/')) answer = graphError(new GraphError(400, 'BadRequest', `Invalid version: ${url.pathname.split('/')[1]}`));
      else if (url.pathname === '/v1.0/$batch' && method === 'POST') {
        exchanges.push({ method, route: '/$batch', path: '/$batch', query: {}, requestBody: body, status: 200, responseBody: undefined, mutating: false, batched: false, caller: '', at: Date.now() });
        const logged = exchanges[exchanges.length - 1]!;
        answer = batch(body, req.headers.authorization);
        logged.status = answer.status;
        logged.responseBody = answer.body;
      } else answer = dispatch(method, url, body, req.headers.authorization, false);
    }
    if (faults.latencyMs > 0) {
      // As the other sandboxes log it: an exchange's status is 0 until its answer leaves (tests tell round trips apart by it).
      const logged = exchanges.slice(loggedFrom).map((exchange) => [exchange, exchange.status] as const);
      for (const [exchange] of logged) exchange.status = 0;
      await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      for (const [exchange, status] of logged) exchange.status = status;
    }
    res.writeHead(answer.status, { ...(answer.status === 204 ? {} : { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8' }), 'request-id': randomUUID(), ...answer.headers });
    res.end(answer.status === 204 || answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  const server = createServer({ key: tls.key, cert: tls.cert }, withRequestBody(handle));
  const listening = await listenOnLoopback(server);
  base = `https://127.0.0.1:${listening.port}`;
  return {
    url: base,
    graphUrl: base,
    caCertificate: tls.cert,
    caFile,
    state,
    faults,
    exchanges,
    close: () => listening.close().then(() => rmSync(caDir, { recursive: true, force: true })),
  };
}
