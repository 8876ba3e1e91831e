import { notFoundRule } from '../not-found-rule.js';
import { InvalidInputError } from '../../errors.js';
import type { ProviderKind } from '../define.js';
import { OktaApiError, type OktaHttp } from './http.js';

/** The connected org: the HTTP client, and a per-run cache of user look-ups by login. */
export interface OktaContext {
  http: OktaHttp;
  /** The org's host, for messages (acme.okta.com). */
  host: string;
  /** Logins must end in one of these domains, when set. */
  domains: string[] | undefined;
  /** User look-ups by lowercased login, for one discovery (a new map per discovery). */
  users: Map<string, Promise<OktaUser | undefined>>;
  /** A run's read cache, begun by connect with its people's look-ups (ConnectContext.users); `withReadCache` hands it on. */
  readCache?: Pick<OktaContext, 'http' | 'users'>;
}

export interface OktaRequest {
  user: string;
  mode: 'disable' | 'delete';
  recentMs: number;
  universalLogout: boolean;
  resetFactors: boolean;
  allowSuperAdmin: boolean;
}

export type OktaKind = ProviderKind<OktaContext, OktaRequest>;

/** The parts of Okta's User object the provider reads. */
export interface OktaUser {
  id: string;
  status: string;
  lastLogin: string | null;
  profile: { login: string; email?: string };
}

/**
 * Ordering inside a step: credentials and sessions first (they act immediately), then access
 * (groups, roles, apps, factors), then the account's own state (suspend), then deletion.
 */
export const Phase = { Credentials: 0, Access: 1, Account: 2, Delete: 3 } as const;

export const statusOf = (error: unknown): number | undefined => (error instanceof OktaApiError ? error.status : undefined);

export function oktaErrorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The user behind a login (Okta resolves a login in place of an id), once per run; undefined if absent. */
export function findUser(context: OktaContext, login: string): Promise<OktaUser | undefined> {
  const key = login.toLowerCase();
  let found = context.users.get(key);
  if (!found) {
    found = context.http.get<OktaUser>(`/api/v1/users/${encodeURIComponent(login)}`).catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    context.users.set(key, found);
  }
  return found;
}

/** The user as it is now, not from the cache: for the fresh reads of the 404 rule. */
export async function readUser(context: OktaContext, id: string): Promise<OktaUser | undefined> {
  try {
    return await context.http.get<OktaUser>(`/api/v1/users/${encodeURIComponent(id)}`);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The fresh read of the 404 rule for things Okta only lists: is the item with this id still in the
 * list at `path`? A 404 on the list itself (the user is gone) means it is gone too.
 */
export function stillListed(context: OktaContext, path: string, id: string): () => Promise<boolean> {
  return async () => {
    try {
      return (await context.http.list<{ id: string }>(path)).some((item) => item.id === id);
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  };
}

/** The 404 rule (see not-found-rule.ts). */
export const { exists, removeOrConfirmGone } = notFoundRule({
  vendor: 'Okta',
  statusOf,
  stillThere: () => 'a fresh read still shows it: check the admin role or scopes of these credentials',
});

const SUPER_ADMIN = 'SUPER_ADMIN';

/**
 * Super admins are refused unless the step says `allowSuperAdmin: true`, and the last active
 * super admin is refused always (nobody could administer the org afterwards). Thrown during
 * discovery, so nothing has changed.
 */
export async function guardSuperAdmin(context: OktaContext, user: OktaUser, request: OktaRequest, what: string): Promise<void> {
  const roles = await context.http.get<Array<{ type: string }>>(`/api/v1/users/${user.id}/roles`);
  if (!roles.some((r) => r.type === SUPER_ADMIN)) return;
  if (!request.allowSuperAdmin) {
    throw new InvalidInputError(`${request.user} is a super admin of ${context.host}; refusing to ${what}`, 'add allowSuperAdmin: true to the step if this is intended, or remove the role by hand first');
  }
  if (!(await anotherActiveSuperAdmin(context, user.id))) {
    throw new InvalidInputError(`${request.user} is the last active super admin of ${context.host}; refusing to ${what}`, `make another user super admin of ${context.host} first`);
  }
}

async function anotherActiveSuperAdmin(context: OktaContext, userId: string): Promise<boolean> {
  let next: string | undefined = '/api/v1/iam/assignees/users?limit=100';
  while (next) {
    const page: { value?: Array<{ id: string }>; _links?: { next?: { href: string } } } = await context.http.get(next);
    for (const { id } of page.value ?? []) {
      if (id === userId) continue;
      const roles = await context.http.get<Array<{ type: string }>>(`/api/v1/users/${id}/roles`);
      if (!roles.some((r) => r.type === SUPER_ADMIN)) continue;
      if ((await readUser(context, id))?.status === 'ACTIVE') return true;
    }
    next = page._links?.next?.href;
  }
  return false;
}

export const userPath = (finding: { details?: Record<string, unknown> }) => `/api/v1/users/${encodeURIComponent(String(finding.details?.userId))}`;
