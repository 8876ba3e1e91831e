import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jitterOnArrival } from '../network.js';
import { seededRandom } from '../random.js';
import { IamError } from './errors.js';
import { authorize, identify, type Caller } from './caller.js';
import { consoleSignIn } from './console-signin.js';
import { EnforcementLag } from './enforcement-lag.js';
import { iamActions, isMutatingAction, type Params } from './iam-actions.js';
import { listRegions, sandboxRegions, signingRegion } from './regions.js';
import { IamState } from './state.js';
import { stsActions } from './sts-actions.js';
import { errorResponse, successResponse } from './xml.js';
import { listenOnLoopback } from '../listen.js';

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface SandboxFaults {
  /** Before processing, each request waits a random 0 to jitterMs (requests sent together may be processed in any order); 0 by default. */
  jitterMs: number;
  /** Added to every response. */
  latencyMs: number;
  /** Fraction (0-1) of requests answered 400 Throttling without doing anything. */
  throttleRate: number;
  /** Fraction (0-1) of requests answered 500 ServiceFailure without doing anything. */
  failureRate: number;
  /** Fraction (0-1) of mutating requests answered 409 ConcurrentModification without doing anything. */
  conflictRate: number;
  /**
   * Fraction (0-1) of successful mutating requests whose response is lost after the change was
   * applied: half answered 500, half with the connection reset. Retries then meet the new state
   * (a second DeleteAccessKey gets NoSuchEntity).
   */
  lostResponseRate: number;
  /** Fraction (0-1) of list pages cut short: fewer than MaxItems items, IsTruncated true. */
  shortPageRate: number;
}

export interface LoggedRequest {
  service: 'iam' | 'sts' | 'cloudtrail';
  /** When it arrived (wall clock), for CloudTrail's LookupEvents. */
  at: Date;
  /** The region it was signed for: CloudTrail answers per region (IAM, being global, signs us-east-1). */
  region?: string;
  action: string;
  mutating: boolean;
  status: number;
  code?: string;
  accessKeyId?: string;
  /** Request parameters, with secrets (passwords) redacted. */
  params: Params;
  startedAt: number;
  finishedAt: number;
  /** The change was applied but its response was lost (a 500 or a reset connection). */
  lostResponse?: boolean;
  userAgent?: string;
  /** The client's port: requests with the same one came over the same (keep-alive) connection. */
  clientPort?: number;
}

export interface IamSandbox {
  /** http://127.0.0.1:<port> — serves both IAM and STS, like a LocalStack-style endpoint. */
  endpoint: string;
  state: IamState;
  faults: SandboxFaults;
  /** The account's regions for Account ListRegions, and regions whose CloudTrail answers AccessDenied. */
  regions: { status: ReturnType<typeof sandboxRegions>; cloudTrailDenied: Set<string> };
  /** Every request, in arrival order. */
  requests: LoggedRequest[];
  /**
   * How long a change takes to be enforced (AWS IAM is eventually consistent): set `delayMs` to
   * make revoked credentials keep working that long (0, the default: at once).
   */
  enforcement: { delayMs: number };
  /** Credentials of the sandbox's operator user (`revoke-operator`), for the CLI to run as. */
  operator: { userName: string; accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * An AWS IAM + STS endpoint on 127.0.0.1 speaking the query protocol the real SDK uses:
 * form-encoded POSTs in, XML out, XML errors with Code/Message/RequestId and real HTTP statuses.
 * Callers are identified by the access key id in their SigV4 Authorization header (signatures
 * are not checked). Product code: `revoke demo` runs on it; so do the tests and benchmarks.
 */
export async function startIamSandbox(options: Partial<SandboxFaults> & { seed?: number; port?: number; requestLogFile?: string; enforcementDelayMs?: number } = {}): Promise<IamSandbox> {
  const state = new IamState();
  const lag = new EnforcementLag(options.enforcementDelayMs ?? 0);
  const faults: SandboxFaults = {
    latencyMs: options.latencyMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    throttleRate: options.throttleRate ?? 0,
    failureRate: options.failureRate ?? 0,
    conflictRate: options.conflictRate ?? 0,
    lostResponseRate: options.lostResponseRate ?? 0,
    shortPageRate: options.shortPageRate ?? 0,
  };
  const random = seededRandom(options.seed ?? 42);
  const arrival = jitterOnArrival((options.seed ?? 42) + 1);
  state.shortPage = () => {
    if (faults.shortPageRate <= 0 || random() >= faults.shortPageRate) return undefined;
    return random();
  };
  const requests: LoggedRequest[] = [];
  // Every request as one JSON line (service, action, user agent, the condition keys it sets) as
  // it arrives, for checks across many sandboxes and processes, such as the test suite's
  // least-privilege check.
  const requestLogFile = options.requestLogFile ?? process.env.REVOKE_SANDBOX_REQUEST_LOG;
  const logToFile = (entry: LoggedRequest) => {
    if (requestLogFile) appendFileSync(requestLogFile, `${JSON.stringify({ service: entry.service, action: entry.action, userAgent: entry.userAgent, ...conditionContext(entry.params) })}\n`);
  };
  const regions = { status: sandboxRegions(), cloudTrailDenied: new Set<string>() };

  state.createUser('revoke-operator');
  const operatorKey = state.createAccessKey('revoke-operator');

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const body = await readBody(req);
    await arrival(faults);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.endsWith('.LookupEvents')) return lookupEvents(req, res, body, startedAt);
    if (req.url === '/listRegions') return accountListRegions(req, res, body);
    if (req.url === '/console-signin') return signInToConsole(res, body);
    const form = new URLSearchParams(body);
    const params: Params = Object.fromEntries(form.entries());
    const action = params.Action ?? '';
    const service = action in stsActions ? 'sts' : 'iam';
    const namespace = service === 'sts' ? STS_NS : IAM_NS;
    const requestId = randomUUID();
    const accessKeyId = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const entry: LoggedRequest = { service, at: new Date(), region: signingRegion(req), action, mutating: service === 'iam' && isMutatingAction(action), status: 0, params: redact(params), startedAt, finishedAt: 0, userAgent: userAgentOf(req), ...(req.socket.remotePort ? { clientPort: req.socket.remotePort } : {}) };
    logToFile(entry);
    if (accessKeyId) entry.accessKeyId = accessKeyId;
    requests.push(entry);

    const send = async (status: number, xml: string, code?: string) => {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      entry.status = status;
      entry.finishedAt = performance.now();
      if (code) entry.code = code;
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    };
    const fail = (error: IamError) => send(error.status, errorResponse(namespace, error.code, error.message, requestId, error.status >= 500 ? 'Receiver' : 'Sender'), error.code);

    if (req.method !== 'POST') return fail(new IamError('InvalidAction', 'Only POST is supported by this sandbox.', 400));
    if (faults.throttleRate > 0 && random() < faults.throttleRate) return fail(new IamError('Throttling', 'Rate exceeded', 400));
    if (faults.failureRate > 0 && random() < faults.failureRate) return fail(new IamError('ServiceFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500));
    if (entry.mutating && faults.conflictRate > 0 && random() < faults.conflictRate) {
      return fail(new IamError('ConcurrentModification', 'The request was rejected because multiple requests to change this object were submitted simultaneously.', 409));
    }

    let caller: Caller;
    try {
      const enforced = lag.enforced(state);
      caller = identify(enforced, req);
      authorize(enforced, caller, service, action, params);
      if (enforced !== state) noteLastUsed(state, enforced, caller.accessKeyId);
    } catch (error) {
      return fail(error as IamError);
    }
    if (entry.mutating) lag.beforeChange(state);
    try {
      const handler = service === 'sts' ? (p: Params) => stsActions[action]!(state, p, caller) : iamActions[action] && ((p: Params) => iamActions[action]!(state, p));
      if (!handler) return await fail(new IamError('InvalidAction', `Could not find operation ${action} for version 2010-05-08`, 400));
      const xml = successResponse(action, namespace, handler(params), requestId);
      if (entry.mutating && faults.lostResponseRate > 0 && random() < faults.lostResponseRate) return loseResponse(entry, res, fail, random() < 0.5);
      return await send(200, xml);
    } catch (error) {
      if (error instanceof IamError) return fail(error);
      throw error;
    }
  }

  /**
   * CloudTrail LookupEvents (JSON 1.1), answered from the request log: every call made with an
   * access key, including ones rejected because the key was deactivated or deleted.
   */
  async function lookupEvents(req: IncomingMessage, res: ServerResponse, body: string, startedAt: number): Promise<void> {
    const accessKeyId = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const entry: LoggedRequest = { service: 'cloudtrail', at: new Date(), region: signingRegion(req), action: 'LookupEvents', mutating: false, status: 0, params: {}, startedAt, finishedAt: 0, userAgent: userAgentOf(req) };
    logToFile(entry);
    if (accessKeyId) entry.accessKeyId = accessKeyId;
    const reply = async (status: number, payload: unknown) => {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      entry.status = status;
      entry.finishedAt = performance.now();
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      authorize(state, identify(state, req), 'cloudtrail', 'LookupEvents', {});
    } catch (error) {
      requests.push(entry);
      return reply(400, { __type: (error as IamError).code, message: (error as IamError).message });
    }
    const region = signingRegion(req);
    if (regions.cloudTrailDenied.has(region)) {
      requests.push(entry);
      return reply(400, { __type: 'AccessDeniedException', message: `User is not authorized to perform: cloudtrail:LookupEvents in ${region}` });
    }
    const input = JSON.parse(body || '{}') as { LookupAttributes?: Array<{ AttributeKey: string; AttributeValue: string }>; StartTime?: number; EndTime?: number; MaxResults?: number; NextToken?: string };
    const attribute = input.LookupAttributes?.[0];
    const start = input.StartTime !== undefined ? input.StartTime * 1000 : 0;
    const end = input.EndTime !== undefined ? input.EndTime * 1000 : Infinity;
    const matching = requests
      .filter((r) => r.service !== 'cloudtrail' && r.accessKeyId && (r.region ?? 'us-east-1') === region && r.at.getTime() >= start && r.at.getTime() <= end)
      .filter((r) => {
        if (!attribute) return true;
        if (attribute.AttributeKey === 'AccessKeyId') return r.accessKeyId === attribute.AttributeValue;
        if (attribute.AttributeKey === 'Username') return state.keyOwners.get(r.accessKeyId!) === attribute.AttributeValue;
        return false;
      })
      .reverse(); // newest first, as CloudTrail answers
    const offset = Number(input.NextToken ?? 0);
    const max = Math.min(50, input.MaxResults ?? 50);
    const page = matching.slice(offset, offset + max);
    requests.push(entry);
    return reply(200, {
      Events: page.map((r, i) => {
        const userName = state.keyOwners.get(r.accessKeyId!) ?? 'unknown';
        return {
          EventId: `sandbox-${offset + i}-${Math.round(r.startedAt)}`,
          EventName: r.action,
          ReadOnly: String(!r.mutating),
          AccessKeyId: r.accessKeyId,
          EventTime: r.at.getTime() / 1000,
          EventSource: `${r.service}.amazonaws.com`,
          Username: userName,
          CloudTrailEvent: JSON.stringify({
            eventVersion: '1.08',
            eventTime: r.at.toISOString(),
            eventSource: `${r.service}.amazonaws.com`,
            eventName: r.action,
            userIdentity: { type: 'IAMUser', userName, accessKeyId: r.accessKeyId },
            ...(r.code ? { errorCode: r.code, errorMessage: `${r.code} (HTTP ${r.status})` } : {}),
          }),
        };
      }),
      ...(offset + max < matching.length ? { NextToken: String(offset + max) } : {}),
    });
  }

  /** The console's password sign-in (console-signin.ts): JSON credentials of a new console session, or 401. */
  async function signInToConsole(res: ServerResponse, body: string): Promise<void> {
    const answer = consoleSignIn(state, lag.enforced(state), new URLSearchParams(body));
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const text = JSON.stringify(answer.status === 200 ? answer.credentials : { error: answer.error });
    res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** AWS Account ListRegions for the sandbox account (any valid key may read it). */
  async function accountListRegions(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const reply = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      identify(state, req);
    } catch (error) {
      return reply(403, { __type: 'AccessDeniedException', message: (error as IamError).message });
    }
    return reply(200, listRegions(regions.status, body));
  }

  const { port, close } = await listenOnLoopback(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    state,
    faults,
    regions,
    requests,
    enforcement: lag,
    operator: { userName: 'revoke-operator', accessKeyId: operatorKey.id, secretAccessKey: operatorKey.secret },
    close,
  };
}

/** A lagging view authenticated the request: the key's last use belongs on the current state. */
function noteLastUsed(state: IamState, enforced: IamState, accessKeyId: string): void {
  const used = enforced.ownerOfKey(accessKeyId).key?.lastUsed;
  const key = state.ownerOfKey(accessKeyId).key;
  if (used && key) key.lastUsed = used;
}

/** The change was applied; the caller never hears so. */
async function loseResponse(entry: LoggedRequest, res: ServerResponse, fail: (error: IamError) => Promise<void>, as500: boolean): Promise<void> {
  entry.lostResponse = true;
  if (as500) {
    await fail(new IamError('ServiceFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500));
    return;
  }
  entry.status = 0;
  entry.code = 'ECONNRESET';
  entry.finishedAt = performance.now();
  res.socket?.destroy();
}

/** Request parameters that AWS also exposes as policy condition keys (only those revoke's policy conditions on). */
const CONDITION_KEYS: Record<string, string> = { PermissionsBoundary: 'iam:PermissionsBoundary' };

function conditionContext(params: Params): { context?: Record<string, string> } {
  const context = Object.fromEntries(Object.entries(CONDITION_KEYS).flatMap(([param, key]) => (params[param] === undefined ? [] : [[key, params[param]!]])));
  return Object.keys(context).length > 0 ? { context } : {};
}

function userAgentOf(req: IncomingMessage): string {
  return [req.headers['x-amz-user-agent'], req.headers['user-agent']].filter(Boolean).join(' ');
}

function redact(params: Params): Params {
  const copy = { ...params };
  for (const key of ['Password', 'OldPassword', 'NewPassword']) if (key in copy) copy[key] = '<redacted>';
  return copy;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
