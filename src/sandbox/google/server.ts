import { withRequestBody } from '../request-body.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jitterOnArrival } from '../network.js';
import { seededRandom } from '../random.js';
import { activityResource, aspResource, DATA_TRANSFER_APPLICATIONS, deviceResource, groupResource, memberResource, roleAssignmentResource, roleResource, tokenResource, transferResource, userResource, verificationCodeResource } from './objects.js';
import { GoogleState, hashPassword, type SandboxUser } from './state.js';
import { exchangeJwt } from './token-endpoint.js';
import { listenOnLoopback } from '../listen.js';

export interface GoogleFaults {
  /** Before processing, each request waits a random 0 to jitterMs (requests sent together may be processed in any order); 0 by default. */
  jitterMs: number;
  latencyMs: number;
  /** Fraction (0-1) of Admin SDK requests refused for rate (403 userRateLimitExceeded or 429 rateLimitExceeded). */
  rateLimitRate: number;
  /** Fraction (0-1) of Admin SDK requests answered 503. */
  failureRate: number;
  /** Retry-After seconds sent with a 429. */
  retryAfterSeconds: number;
}

export interface GoogleExchange {
  /** Which API: directory, datatransfer, reports (checked against Google's discovery documents), oauth or person. */
  api: 'directory' | 'datatransfer' | 'reports' | 'oauth' | 'person' | 'unknown';
  method: string;
  /** Path below the API's service path, e.g. users/alice@acme.example/tokens. */
  path: string;
  query: Record<string, string | string[]>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  mutating: boolean;
  caller: string;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface GoogleSandbox {
  url: string;
  /** The token endpoint URL to give google-auth-library (tokenUrl:). */
  tokenUrl: string;
  state: GoogleState;
  faults: GoogleFaults;
  exchanges: GoogleExchange[];
  close(): Promise<void>;
}

const SERVICE_PATHS: Array<[GoogleExchange['api'], string]> = [
  ['directory', '/admin/directory/v1/'],
  ['datatransfer', '/admin/datatransfer/v1/'],
  ['reports', '/admin/reports/v1/'],
];

const AUTH = 'https://www.googleapis.com/auth/';
const S = {
  user: [`${AUTH}admin.directory.user`],
  userRead: [`${AUTH}admin.directory.user`, `${AUTH}admin.directory.user.readonly`],
  security: [`${AUTH}admin.directory.user.security`],
  mobileRead: [`${AUTH}admin.directory.device.mobile`, `${AUTH}admin.directory.device.mobile.readonly`, `${AUTH}admin.directory.device.mobile.action`],
  mobileAction: [`${AUTH}admin.directory.device.mobile`, `${AUTH}admin.directory.device.mobile.action`],
  groupRead: [`${AUTH}admin.directory.group`, `${AUTH}admin.directory.group.readonly`, `${AUTH}admin.directory.group.member`, `${AUTH}admin.directory.group.member.readonly`],
  group: [`${AUTH}admin.directory.group`, `${AUTH}admin.directory.group.member`],
  roleRead: [`${AUTH}admin.directory.rolemanagement`, `${AUTH}admin.directory.rolemanagement.readonly`],
  role: [`${AUTH}admin.directory.rolemanagement`],
  transferRead: [`${AUTH}admin.datatransfer`, `${AUTH}admin.datatransfer.readonly`],
  transfer: [`${AUTH}admin.datatransfer`],
  audit: [`${AUTH}admin.reports.audit.readonly`],
  usage: [`${AUTH}admin.reports.usage.readonly`],
};

export class GoogleHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const notFound = (what: string) => new GoogleHttpError(404, `Resource Not Found: ${what}`, 'notFound');

interface Call {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: Record<string, unknown>;
  scopes: Set<string>;
  url: URL;
}

type Handler = (state: GoogleState, call: Call) => { status: number; body?: unknown };
type Route = { api: GoogleExchange['api']; method: string; template: string; scopes: string[]; handler: Handler };

function page<T>(call: Call, items: T[], max: number, fallback = 100): { items: T[]; nextPageToken?: string } {
  const size = Math.min(max, Math.max(1, Number(call.query.maxResults ?? fallback) || fallback));
  const start = call.query.pageToken ? Number(Buffer.from(String(call.query.pageToken), 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new GoogleHttpError(400, 'Invalid Input: pageToken', 'invalid');
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, nextPageToken: Buffer.from(String(start + size)).toString('base64url') } : { items: slice };
}

function liveUser(state: GoogleState, key: string | undefined): SandboxUser {
  const user = state.user(key ?? '');
  if (!user) throw notFound('userKey');
  return user;
}

function checkCustomer(state: GoogleState, customer: string | undefined): void {
  if (customer !== 'my_customer' && customer !== state.customerId) throw new GoogleHttpError(400, 'Bad Request', 'badRequest');
}

const noContent = { status: 204 };

const routes: Route[] = [
  { api: 'directory', method: 'GET', template: 'users', scopes: S.userRead, handler: (state, call) => {
    if (call.query.customer) checkCustomer(state, String(call.query.customer));
    else if (!call.query.domain) throw new GoogleHttpError(400, 'Bad Request', 'badRequest');
    const deleted = call.query.showDeleted === 'true';
    const users = [...state.users.values()].filter((u) => Boolean(u.deletionTime) === deleted && (!call.query.domain || u.primaryEmail.endsWith(`@${String(call.query.domain)}`)));
    const { items, nextPageToken } = page(call, users, 500);
    return { status: 200, body: { kind: 'admin#directory#users', users: items.map((u) => userResource(u, state.customerId)), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'directory', method: 'GET', template: 'users/{userKey}', scopes: S.userRead, handler: (state, { params }) => ({ status: 200, body: userResource(liveUser(state, params.userKey), state.customerId) }) },
  { api: 'directory', method: 'PUT', template: 'users/{userKey}', scopes: S.user, handler: (state, { params, body }) => {
    const user = liveUser(state, params.userKey);
    if (typeof body.password === 'string') {
      if (body.password.length < 8 || body.password.length > 100) throw new GoogleHttpError(400, 'Invalid Password', 'invalid');
      user.passwordHash = hashPassword(body.password);
    }
    if (typeof body.changePasswordAtNextLogin === 'boolean') user.changePasswordAtNextLogin = body.changePasswordAtNextLogin;
    if (typeof body.suspended === 'boolean') {
      user.suspended = body.suspended;
      if (user.suspended) user.sessions.clear();
    }
    return { status: 200, body: userResource(user, state.customerId) };
  } },
  { api: 'directory', method: 'DELETE', template: 'users/{userKey}', scopes: S.user, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    user.deletionTime = new Date();
    user.sessions.clear();
    for (const group of state.groups.values()) group.members.delete(user.primaryEmail);
    for (const [id, assignment] of state.roleAssignments) if (assignment.assignedTo === user.id) state.roleAssignments.delete(id);
    return noContent;
  } },
  { api: 'directory', method: 'POST', template: 'users/{userKey}/signOut', scopes: S.security, handler: (state, { params }) => {
    liveUser(state, params.userKey).sessions.clear();
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'users/{userKey}/tokens', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    return { status: 200, body: { kind: 'admin#directory#tokenList', etag: `"${user.id}-tokens"`, items: [...user.grants].map(([clientId, grant]) => tokenResource(user, clientId, grant)) } };
  } },
  { api: 'directory', method: 'GET', template: 'users/{userKey}/tokens/{clientId}', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    const grant = user.grants.get(params.clientId!);
    if (!grant) throw notFound('clientId');
    return { status: 200, body: tokenResource(user, params.clientId!, grant) };
  } },
  { api: 'directory', method: 'DELETE', template: 'users/{userKey}/tokens/{clientId}', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    if (!user.grants.delete(params.clientId!)) throw notFound('clientId');
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'users/{userKey}/asps', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    return { status: 200, body: { kind: 'admin#directory#asps', etag: `"${user.id}-asps"`, items: [...user.appPasswords.values()].map((asp) => aspResource(user, asp)) } };
  } },
  { api: 'directory', method: 'DELETE', template: 'users/{userKey}/asps/{codeId}', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    if (!user.appPasswords.delete(Number(params.codeId))) throw notFound('codeId');
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'users/{userKey}/verificationCodes', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    if (user.suspended) throw new GoogleHttpError(412, 'User is suspended. You must unsuspend to process backupcodes', 'conditionNotMet');
    return { status: 200, body: { kind: 'admin#directory#verificationCodesList', etag: `"${user.id}-codes"`, items: user.backupCodes.map((code) => verificationCodeResource(user, code)) } };
  } },
  { api: 'directory', method: 'POST', template: 'users/{userKey}/verificationCodes/invalidate', scopes: S.security, handler: (state, { params }) => {
    const user = liveUser(state, params.userKey);
    if (user.suspended) throw new GoogleHttpError(412, 'User is suspended. You must unsuspend to process backupcodes', 'conditionNotMet');
    user.backupCodes = [];
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'customer/{customerId}/devices/mobile', scopes: S.mobileRead, handler: (state, call) => {
    checkCustomer(state, call.params.customerId);
    const email = /^email:(.+)$/.exec(String(call.query.query ?? ''))?.[1]?.toLowerCase();
    const devices = [...state.devices.values()].filter((d) => !email || d.email === email);
    const { items, nextPageToken } = page(call, devices, 100);
    return { status: 200, body: { kind: 'admin#directory#mobiledevices', mobiledevices: items.map(deviceResource), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'directory', method: 'POST', template: 'customer/{customerId}/devices/mobile/{resourceId}/action', scopes: S.mobileAction, handler: (state, { params, body }) => {
    checkCustomer(state, params.customerId);
    const device = state.devices.get(params.resourceId!);
    if (!device) throw notFound('resourceId');
    const status = { admin_account_wipe: 'ACCOUNT_WIPING', admin_remote_wipe: 'WIPING', approve: 'APPROVED', block: 'BLOCKED' }[String(body.action)];
    if (!status) throw new GoogleHttpError(400, 'Invalid Input: action', 'invalid');
    device.status = status;
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'groups', scopes: S.groupRead, handler: (state, call) => {
    const user = call.query.userKey ? liveUser(state, String(call.query.userKey)) : undefined;
    if (!user && !call.query.customer && !call.query.domain) throw new GoogleHttpError(400, 'Bad Request', 'badRequest');
    const groups = [...state.groups.values()].filter((g) => !user || g.members.has(user.primaryEmail));
    const { items, nextPageToken } = page(call, groups, 200, 200);
    return { status: 200, body: { kind: 'admin#directory#groups', groups: items.map(groupResource), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'directory', method: 'GET', template: 'groups/{groupKey}/members', scopes: S.groupRead, handler: (state, call) => {
    const group = state.groups.get(call.params.groupKey!.toLowerCase());
    if (!group) throw notFound('groupKey');
    const roles = call.query.roles ? String(call.query.roles).split(',') : undefined;
    const members = [...group.members].filter(([, role]) => !roles || roles.includes(role));
    const { items, nextPageToken } = page(call, members, 200, 200);
    return { status: 200, body: { kind: 'admin#directory#members', members: items.map(([email, role]) => memberResource(group, email, role, state.user(email)?.id ?? email)), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'directory', method: 'GET', template: 'groups/{groupKey}/members/{memberKey}', scopes: S.groupRead, handler: (state, { params }) => {
    const group = state.groups.get(params.groupKey!.toLowerCase());
    const email = state.user(params.memberKey!)?.primaryEmail ?? params.memberKey!.toLowerCase();
    const role = group?.members.get(email);
    if (!group || !role) throw notFound('memberKey');
    return { status: 200, body: memberResource(group, email, role, state.user(email)?.id ?? email) };
  } },
  { api: 'directory', method: 'DELETE', template: 'groups/{groupKey}/members/{memberKey}', scopes: S.group, handler: (state, { params }) => {
    const group = state.groups.get(params.groupKey!.toLowerCase());
    const email = state.user(params.memberKey!)?.primaryEmail ?? params.memberKey!.toLowerCase();
    if (!group || !group.members.delete(email)) throw notFound('memberKey');
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'customer/{customer}/roleassignments', scopes: S.roleRead, handler: (state, call) => {
    checkCustomer(state, call.params.customer);
    const user = call.query.userKey ? liveUser(state, String(call.query.userKey)) : undefined;
    const assignments = [...state.roleAssignments.values()].filter((a) => !user || a.assignedTo === user.id);
    const { items, nextPageToken } = page(call, assignments, 200);
    return { status: 200, body: { kind: 'admin#directory#roleAssignments', items: items.map(roleAssignmentResource), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'directory', method: 'GET', template: 'customer/{customer}/roleassignments/{roleAssignmentId}', scopes: S.roleRead, handler: (state, { params }) => {
    checkCustomer(state, params.customer);
    const assignment = state.roleAssignments.get(params.roleAssignmentId!);
    if (!assignment) throw notFound('roleAssignmentId');
    return { status: 200, body: roleAssignmentResource(assignment) };
  } },
  { api: 'directory', method: 'DELETE', template: 'customer/{customer}/roleassignments/{roleAssignmentId}', scopes: S.role, handler: (state, { params }) => {
    checkCustomer(state, params.customer);
    if (!state.roleAssignments.delete(params.roleAssignmentId!)) throw notFound('roleAssignmentId');
    return noContent;
  } },
  { api: 'directory', method: 'GET', template: 'customer/{customer}/roles', scopes: S.roleRead, handler: (state, call) => {
    checkCustomer(state, call.params.customer);
    const { items, nextPageToken } = page(call, [...state.roles.values()], 100);
    return { status: 200, body: { kind: 'admin#directory#roles', items: items.map(roleResource), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'datatransfer', method: 'GET', template: 'applications', scopes: S.transferRead, handler: () => ({ status: 200, body: { kind: 'admin#datatransfer#applicationsList', applications: DATA_TRANSFER_APPLICATIONS } }) },
  { api: 'datatransfer', method: 'GET', template: 'transfers', scopes: S.transferRead, handler: (state, call) => {
    const q = call.query;
    const transfers = [...state.transfers.values()].filter((t) => (!q.oldOwnerUserId || t.oldOwnerUserId === q.oldOwnerUserId) && (!q.newOwnerUserId || t.newOwnerUserId === q.newOwnerUserId) && (!q.status || t.status === q.status));
    const { items, nextPageToken } = page(call, transfers, 500);
    return { status: 200, body: { kind: 'admin#datatransfer#dataTransfersList', dataTransfers: items.map(transferResource), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'datatransfer', method: 'POST', template: 'transfers', scopes: S.transfer, handler: (state, { body }) => {
    const from = state.user(String(body.oldOwnerUserId ?? ''));
    const to = state.user(String(body.newOwnerUserId ?? ''));
    if (!from || !to) throw new GoogleHttpError(400, 'Invalid Input: user id', 'invalid');
    const apps = (body.applicationDataTransfers ?? []) as Array<{ applicationId: string }>;
    if (apps.length === 0 || !apps.every((a) => DATA_TRANSFER_APPLICATIONS.some((known) => known.id === String(a.applicationId)))) throw new GoogleHttpError(400, 'Invalid Input: applicationId', 'invalid');
    const transfer = { id: `AKrEtIb${state.id()}`, oldOwnerUserId: from.id, newOwnerUserId: to.id, applicationDataTransfers: apps, status: 'inProgress' as const, requestTime: new Date(), pollsLeft: state.transferPolls };
    state.transfers.set(transfer.id, transfer);
    return { status: 200, body: transferResource(transfer) };
  } },
  { api: 'datatransfer', method: 'GET', template: 'transfers/{dataTransferId}', scopes: S.transferRead, handler: (state, { params }) => {
    const transfer = state.transfers.get(params.dataTransferId!);
    if (!transfer) throw notFound('dataTransferId');
    if (transfer.status === 'inProgress' && --transfer.pollsLeft <= 0) {
      transfer.status = 'completed';
      const from = state.user(transfer.oldOwnerUserId);
      const to = state.user(transfer.newOwnerUserId);
      if (from && to) {
        to.driveUsedMb += from.driveUsedMb;
        from.driveUsedMb = 0;
      }
    }
    return { status: 200, body: transferResource(transfer) };
  } },
  { api: 'reports', method: 'GET', template: 'activity/users/{userKey}/applications/{applicationName}', scopes: S.audit, handler: (state, call) => {
    const key = call.params.userKey!.toLowerCase();
    const since = call.query.startTime ? new Date(String(call.query.startTime)) : new Date(0);
    const until = call.query.endTime ? new Date(String(call.query.endTime)) : new Date(8.64e15);
    const user = key === 'all' ? undefined : [...state.users.values()].find((u) => u.primaryEmail === key || u.id === key);
    if (key !== 'all' && !user) throw notFound('userKey');
    const activities = state.activities.filter((a) => a.applicationName === call.params.applicationName && (!user || a.profileId === user.id) && a.time >= since && a.time <= until).reverse();
    const { items, nextPageToken } = page(call, activities, 1000, 1000);
    return { status: 200, body: { kind: 'admin#reports#activities', items: items.map((a) => activityResource(a, state.customerId)), ...(nextPageToken ? { nextPageToken } : {}) } };
  } },
  { api: 'reports', method: 'GET', template: 'usage/users/{userKey}/dates/{date}', scopes: S.usage, handler: (state, { params, query }) => {
    const user = liveUser(state, params.userKey);
    const wanted = query.parameters ? String(query.parameters).split(',') : ['accounts:drive_used_quota_in_mb'];
    const values: Record<string, number> = { 'accounts:drive_used_quota_in_mb': user.driveUsedMb };
    const parameters = wanted.filter((name) => name in values).map((name) => ({ name, intValue: String(values[name]) }));
    return { status: 200, body: { kind: 'admin#reports#usageReports', usageReports: [{ kind: 'admin#reports#usageReport', date: params.date, entity: { type: 'USER', userEmail: user.primaryEmail, profileId: user.id, customerId: state.customerId }, parameters }] } };
  } },
];

const compiled = routes.map((route) => {
  const names: string[] = [];
  const pattern = new RegExp(`^${route.template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { ...route, names, pattern };
});

/** Whether a person's credential still works (used by the person-side endpoint that proves revocations). */
function personSignIn(state: GoogleState, req: IncomingMessage): { status: number; body: unknown } {
  const authorization = req.headers.authorization ?? '';
  const cookie = /(?:^|;\s*)SID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const users = [...state.users.values()];
  let user: SandboxUser | undefined;
  let how = '';
  if (authorization.startsWith('Bearer ')) {
    const token = authorization.slice(7);
    for (const u of users) for (const [clientId, grant] of u.grants) if (grant.accessTokens.has(token)) ((user = u), (how = `token of ${clientId}`));
  } else if (authorization.startsWith('Basic ')) {
    const [email, secret] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':') as [string, string];
    const u = state.user(email ?? '');
    if (u && ([...u.appPasswords.values()].some((a) => a.secret === secret) || (u.passwordHash === hashPassword(secret ?? '') && !u.changePasswordAtNextLogin))) ((user = u), (how = 'password'));
    else if (u) state.record(u, 'login', 'login_failure', [{ name: 'login_type', value: 'google_password' }]);
  } else if (cookie) {
    user = users.find((u) => u.sessions.has(cookie));
    how = 'session';
  }
  if (!user || !state.isActive(user)) {
    if (user) state.record(user, 'login', 'login_failure', [{ name: 'login_type', value: how }]);
    return { status: 401, body: { error: 'invalid_token', error_description: 'Invalid Credentials' } };
  }
  state.record(user, 'login', 'login_success', [{ name: 'login_type', value: how }]);
  return { status: 200, body: { sub: user.id, email: user.primaryEmail, email_verified: true } };
}

function googleError(error: GoogleHttpError) {
  const status = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 412: 'FAILED_PRECONDITION', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' }[error.status];
  return { error: { code: error.status, message: error.message, errors: [{ message: error.message, domain: error.reason.includes('RateLimit') ? 'usageLimits' : 'global', reason: error.reason }], ...(status ? { status } : {}), ...error.extra } };
}

/**
 * A Google Workspace stand-in on 127.0.0.1: the Admin SDK Directory, Data Transfer and Reports
 * endpoints the google-workspace provider uses, stateful (a signed-out session, deleted grant or
 * app password, replaced password or suspension is refused at /oauth2/v3/userinfo afterwards),
 * plus the OAuth2 token endpoint for service accounts with domain-wide delegation. Google's JSON
 * error shape, pageToken/nextPageToken paging, scope checks per method, rate limits (403
 * userRateLimitExceeded, 429 with Retry-After), 503s and latency on demand; every exchange logged.
 */
export async function startGoogleSandbox(options: Partial<GoogleFaults> & { seed?: number; port?: number } = {}): Promise<GoogleSandbox> {
  const state = new GoogleState();
  const faults: GoogleFaults = { latencyMs: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0, rateLimitRate: options.rateLimitRate ?? 0, failureRate: options.failureRate ?? 0, retryAfterSeconds: options.retryAfterSeconds ?? 0 };
  const random = seededRandom(options.seed ?? 11);
  const arrival = jitterOnArrival((options.seed ?? 11) + 1);
  const exchanges: GoogleExchange[] = [];
  let port = 0;

  const server = createServer(withRequestBody(handle));

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    await arrival(faults);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const method = req.method ?? 'GET';
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : [existing, value].flat();
    }
    const service = SERVICE_PATHS.find(([, prefix]) => url.pathname.startsWith(prefix));
    const api: GoogleExchange['api'] = service ? service[0] : url.pathname === '/token' ? 'oauth' : url.pathname === '/oauth2/v3/userinfo' ? 'person' : 'unknown';
    const path = service ? url.pathname.slice(service[1].length) : url.pathname;
    let requestBody: unknown;
    try {
      requestBody = raw && api !== 'oauth' ? JSON.parse(raw) : undefined;
    } catch {
      requestBody = raw;
    }
    // A password set through users.update is a secret: the log keeps that one was sent, not what.
    const logged = requestBody && typeof requestBody === 'object' && 'password' in requestBody ? { ...(requestBody as object), password: '<redacted>' } : requestBody;
    const exchange: GoogleExchange = { api, method, path, query, requestBody: logged, status: 0, responseBody: undefined, mutating: method !== 'GET' && api !== 'oauth' && api !== 'person', caller: '', at: performance.now() };
    exchanges.push(exchange);
    const send = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      exchange.status = status;
      exchange.responseBody = body;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const fail = (error: GoogleHttpError) => send(error.status, googleError(error), error.headers);

    if (api === 'oauth' && method === 'POST') {
      const answer = exchangeJwt(state, new URLSearchParams(raw));
      exchange.caller = String(answer.body.error ?? 'token issued');
      // The access token is a secret: the log keeps only that one was issued.
      exchange.responseBody = undefined;
      return send(answer.status, answer.body).then(() => void (exchange.responseBody = answer.status === 200 ? { issued: true } : answer.body));
    }
    if (api === 'person') {
      const answer = personSignIn(state, req);
      return send(answer.status, answer.body);
    }
    const route = compiled.find((r) => r.api === api && r.method === method && r.pattern.test(path));
    if (!route) return fail(notFound(url.pathname));
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? state.accessTokens.get(bearer) : undefined;
    if (!token || token.expires < Date.now()) return fail(new GoogleHttpError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError', { status: 'UNAUTHENTICATED' }));
    exchange.caller = token.subject;
    if (faults.rateLimitRate > 0 && random() < faults.rateLimitRate) {
      return random() < 0.5
        ? fail(new GoogleHttpError(403, "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'.", 'userRateLimitExceeded'))
        : fail(new GoogleHttpError(429, 'Rate Limit Exceeded', 'rateLimitExceeded', {}, { 'retry-after': String(faults.retryAfterSeconds) }));
    }
    if (faults.failureRate > 0 && random() < faults.failureRate) return fail(new GoogleHttpError(503, 'The service is currently unavailable.', 'backendError'));
    if (!route.scopes.some((scope) => token.scopes.has(scope))) {
      return fail(
        new GoogleHttpError(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions', {
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: 'admin.googleapis.com' } }],
        }),
      );
    }
    const admin = state.user(token.subject);
    if (!admin?.isAdmin && ![...state.roleAssignments.values()].some((a) => a.assignedTo === admin?.id)) return fail(new GoogleHttpError(403, 'Not Authorized to access this resource/api', 'forbidden'));
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(route.pattern.exec(path)![i + 1]!)]));
    // A user of a domain the customer does not own: Google answers 403, not 404.
    const userKey = params.userKey ?? (typeof query.userKey === 'string' ? query.userKey : undefined);
    if (userKey?.includes('@') && !state.domains.has(userKey.slice(userKey.lastIndexOf('@') + 1).toLowerCase())) return fail(new GoogleHttpError(403, 'Not Authorized to access this resource/api', 'forbidden'));
    try {
      const result = route.handler(state, { params, query, body: (requestBody ?? {}) as Record<string, unknown>, scopes: token.scopes, url });
      if (method !== 'GET' && admin) state.record(admin, 'admin', `${route.method} ${route.template}`, [{ name: 'USER_EMAIL', value: params.userKey ?? params.memberKey ?? '' }]);
      return await send(result.status, result.status === 204 ? undefined : result.body);
    } catch (error) {
      if (error instanceof GoogleHttpError) return fail(error);
      throw error;
    }
  }

  // A taken `revoke sandbox --port-base` port rejects (EADDRINUSE) instead of never resolving.
  const listening = await listenOnLoopback(server, options.port);
  port = listening.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    state,
    faults,
    exchanges,
    close: listening.close,
  };
}
