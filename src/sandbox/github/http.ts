import type { ServerResponse } from 'node:http';
import type { Api } from './objects.js';
import type { GitHubState, Org } from './state.js';

// What every route of the GitHub sandbox shares: who is calling, GitHub's errors, its permission
// checks, and Link-header pagination.

export type Caller =
  | { kind: 'user'; login: string; scopes: string[]; sso?: { org: string; credentialId: number } }
  | { kind: 'installation'; appId: number; installationId: number; org: string; permissions: Record<string, string> }
  | { kind: 'app'; appId: number }
  /** A request without credentials, on a route that takes none (POST /credentials/revoke). */
  | { kind: 'anonymous' };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Request {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: Record<string, unknown>;
  caller: Caller;
  api: Api;
  url: URL;
  res: ServerResponse;
}

export type Handler = (state: GitHubState, request: Request) => { status: number; body?: unknown };

export const notFound = () => new HttpError(404, 'Not Found');
export const integrationDenied = () => new HttpError(403, 'Resource not accessible by integration');

/** Owner of `org` with one of `scopes` (classic token), or an installation with `permission`. */
export function requireAdmin(org: Org, caller: Caller, scopes: string[], permission: [string, 'read' | 'write'], options: { hideWith404?: boolean } = {}): void {
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

export function requireMemberRead(org: Org, caller: Caller): void {
  if (caller.kind === 'installation') {
    if (caller.org !== org.login || !caller.permissions.members) throw integrationDenied();
    return;
  }
  if (caller.kind !== 'user' || !['read:org', 'admin:org'].some((s) => caller.scopes.includes(s)) || !org.members.has(caller.login)) {
    throw new HttpError(403, 'You need read:org and membership to list members');
  }
}

export function paginate<T>(request: Request, items: T[]): T[] {
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

export function org(state: GitHubState, login: string | undefined): Org {
  const found = state.orgs.get(login ?? '');
  if (!found) throw notFound();
  return found;
}

/** One route: method, path template ({name} segments), handler, and whether it takes no credentials. */
export type Route = [string, string, Handler, { unauthenticated?: true }?];
