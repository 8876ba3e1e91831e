import { notFoundRule } from '../not-found-rule.js';
import type { admin_datatransfer_v1, admin_directory_v1, admin_reports_v1 } from '@googleapis/admin';
import type { ProviderKind } from '../define.js';
import { scopeForUrl } from './scopes.js';

export type GoogleMode = 'disable' | 'delete';

export interface GoogleContext {
  directory: admin_directory_v1.Admin;
  transfer: admin_datatransfer_v1.Admin;
  reports: admin_reports_v1.Admin;
  customer: string;
  /** Domains whose users this provider instance may touch (primary first). */
  domains: string[];
  /** The impersonated admin. */
  subject: string;
  /**
   * Connect's check that the impersonated admin can read itself (rejects with the worded error),
   * left running by connect: the guard awaits it beside its own reads, and `write` before any change.
   */
  adminChecked: Promise<void>;
  /** Runs one mutating call at the domain's write pace, once `adminChecked` passed. */
  write<T>(call: () => Promise<T>): Promise<T>;
  transferPollMs: number;
  transferTimeoutMs: number;
  /** The same clients over an auth that refuses anything but GET (discovery, presence, watch). */
  readOnlyView?: GoogleContext;
  /** The read-only view with one run's read cache (`cachedDirectoryReads`), begun by connect when it was told the run's people. */
  readCache?: GoogleContext;
}

export interface GoogleRequest {
  /** The primary email, lower case. */
  user: string;
  mode: GoogleMode;
  recentMs: number;
  allowSuperAdmin: boolean;
  transferTo: string | undefined;
  wipe: 'account' | 'device';
}

export type GoogleKind = ProviderKind<GoogleContext, GoogleRequest>;

/**
 * Order inside a step. The password is replaced and admin roles go first (nobody signs back in
 * with the old password, no admin power left), then sessions and credentials while the user is
 * still active (Google refuses backup codes of a suspended user), then memberships and devices,
 * then suspension, then the data transfer, and deletion last.
 */
export const Phase = { Lock: 0, Credentials: 1, Access: 2, Suspend: 3, Transfer: 4, Delete: 5 } as const;

export const DELETE_ONLY = 'delete mode only (disable mode contains and keeps: sessions, tokens, app passwords, backup codes, password, suspend)';

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: Array<{ reason?: string; message?: string }>; status?: string };
}

export const statusOf = (error: unknown): number | undefined => {
  const e = error as { status?: number; response?: { status?: number }; code?: unknown };
  return e.response?.status ?? e.status ?? (typeof e.code === 'number' ? e.code : undefined);
};

export function reasonOf(error: unknown): string | undefined {
  const data = (error as { response?: { data?: GoogleErrorBody } }).response?.data;
  return data?.error?.errors?.[0]?.reason;
}

/** Google's error as one line, naming the missing scope on a 403 for scopes; never a token or request body. */
export function googleErrorText(error: unknown): string {
  const status = statusOf(error);
  const data = (error as { response?: { data?: GoogleErrorBody } }).response?.data;
  const message = data?.error?.message ?? (error as { message?: string }).message ?? String(error);
  const reason = reasonOf(error);
  const url = String((error as { config?: { url?: unknown } }).config?.url ?? '');
  let text = `${status ? `HTTP ${status}: ` : ''}${message}${reason ? ` (${reason})` : ''}`;
  if (status === 403 && (reason === 'insufficientPermissions' || /scope/i.test(message))) {
    const scope = scopeForUrl(url);
    if (scope) text += `; this call needs OAuth scope ${scope}: add it to the service account's domain-wide delegation (Admin console > Security > API controls) and to scopes:`;
  }
  return text;
}

/** Collects every page of a Google list call (pageToken / nextPageToken). */
export async function allPages<T>(fetchPage: (pageToken: string | undefined) => Promise<{ items: T[] | undefined | null; nextPageToken?: string | null }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const response = await fetchPage(token);
    all.push(...(response.items ?? []));
    if (!response.nextPageToken) return all;
    token = response.nextPageToken;
  }
  throw new Error('Google kept returning pages; stopped after 10000');
}

/** The 404 rule (see not-found-rule.ts): Google answers 404 also for things the admin cannot see. */
export const { exists, removeOrConfirmGone } = notFoundRule({
  vendor: 'Google',
  statusOf,
  stillThere: () => "a fresh read still shows it: check the impersonated admin's privileges",
});

export const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
