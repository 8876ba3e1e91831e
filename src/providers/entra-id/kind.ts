import { notFoundRule } from '../not-found-rule.js';
import type { ProviderKind } from '../define.js';
import type { Finding, RevokeOutcome } from '../types.js';
import type { GraphApi } from './graph-api.js';
import { withCachedReads } from '../read-cache.js';

export interface EntraContext {
  graph: GraphApi;
  tenantName: string;
  tenantId: string;
  /** The tenant's verified domains: a UPN in another domain is not in this tenant. */
  domains: string[];
  /** With a delegated credential, the signed-in person (UPN and object id): never revoked. */
  self?: { upn: string; objectId: string };
  /** A run's read cache, begun by connect with its people's reads (ConnectContext.users); `withReadCache` hands it on. */
  readCache?: GraphApi;
}

/** A view of `graph` on which identical reads are sent once: one run's containment and discovery. */
export function cachedGraphReads(graph: GraphApi): GraphApi {
  return withCachedReads(graph, (method) => method === 'get' || method === 'list' || method === 'batchGet');
}

export type EntraMode = 'disable' | 'delete';

export interface EntraRequest {
  /** The UPN or object id as given in the step. */
  user: string;
  mode: EntraMode;
  recentMs: number;
  allowGlobalAdmin: boolean;
  /** The user as beforeDiscover read it: every kind's discovery starts from this one read. */
  target?: GraphUser;
}

export type EntraKind = ProviderKind<EntraContext, EntraRequest>;

/** Contain first (account, sessions), then credentials, then access, then the user object itself. */
export const Phase = { Contain: 0, Sessions: 1, Credentials: 2, Access: 3, User: 9 } as const;

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  displayName?: string;
  accountEnabled?: boolean;
  signInSessionsValidFromDateTime?: string | null;
}

export const USER_SELECT = 'id,userPrincipalName,displayName,accountEnabled,signInSessionsValidFromDateTime';

/** The Graph client's GraphError carries statusCode and code. */
export const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

export function entraErrorText(error: unknown): string {
  // The Graph client reports a request that never got an answer as status -1.
  const status = statusOf(error) === -1 ? undefined : statusOf(error);
  const code = (error as { code?: string }).code;
  const message = ((error as { message?: string }).message ?? String(error)).split('\n')[0]!;
  return `${status ? `HTTP ${status}` : ''}${code && code !== message ? `${status ? ' ' : ''}${code}` : ''}${status || code ? ': ' : ''}${message}`;
}

export const userPath = (idOrUpn: string) => `/users/${encodeURIComponent(idOrUpn)}`;

/** Reads the user (null when Graph says 404). */
export async function readUser(graph: GraphApi, idOrUpn: string): Promise<GraphUser | null> {
  try {
    return await graph.get<GraphUser>(`${userPath(idOrUpn)}?$select=${USER_SELECT}`);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** The user discovery works on: the one beforeDiscover read (a kind discovered alone reads it itself). */
export async function targetOf(context: EntraContext, request: EntraRequest): Promise<GraphUser | null> {
  return request.target ?? (await readUser(context.graph, request.user));
}

/** The object id a revoke works on: recorded on the finding at discovery, else a fresh read. */
export async function userIdOf(context: EntraContext, request: EntraRequest, found: Finding): Promise<string | null> {
  const recorded = found.details?.userId;
  if (typeof recorded === 'string') return recorded;
  return (await readUser(context.graph, request.user))?.id ?? null;
}

/** The 404 rule (see not-found-rule.ts): a still-there thing means the app lacks a permission. */
const graphNotFound = notFoundRule({
  vendor: 'Graph',
  statusOf,
  stillThere: () => "a fresh read still shows it: check the app's permissions for this kind (revoke providers entra-id)",
});
export const removeOrConfirmGone = (what: string, remove: () => Promise<unknown>, stillThere: () => Promise<boolean>, detail?: string): Promise<RevokeOutcome> =>
  graphNotFound.removeOrConfirmGone(what, remove, stillThere, detail ? { detail } : {});

/** A finding of `user`, with the user's object id in its details (for revoke and restore). */
export function finding(kind: string, user: GraphUser, id: string, label: string, phase: number, details: Finding['details'] = {}, warnings: string[] = []): Finding {
  return { id, kind, label, phase, details: { userId: user.id, ...details }, ...(warnings.length > 0 ? { warnings } : {}) };
}
