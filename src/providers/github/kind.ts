import { notFoundRule } from '../not-found-rule.js';
import type { Octokit } from '@octokit/rest';
import type { ProviderKind } from '../define.js';
import type { RevokeOutcome } from '../types.js';

export interface GitHubContext {
  /** Sends anything in revoke; in discovery, presence and watch the read-only client (GET only). */
  octokit: Octokit;
  /** The read-only client: same credentials, every request but GET/HEAD refused. */
  readOnlyOctokit?: Octokit;
  /** A run's read cache (read-only), begun by connect with its people's first reads (ConnectContext.users); `withReadCache` hands it on. */
  readCache?: Octokit;
  /** Settles once connect's reads of the run's people have answered: a run ends after them, even one refused at connect. */
  prefetched?: Promise<unknown>;
  org: string;
  auth: 'token' | 'app';
  /** Whether these credentials can see the org's members: only then does a 404 mean "gone". */
  canSeeMembers: boolean;
  perPage: number;
}

export interface GitHubRequest {
  user: string;
  /** Blast radius: use within this window (ms) is recent. */
  recentMs: number;
  repos: string[] | undefined;
  scanRepos: boolean;
  email: string | undefined;
}

/** One revoke kind of the github provider: metadata, discovery (reads only), revocation. */
export type GitHubKind = ProviderKind<GitHubContext, GitHubRequest>;

/** Credentials first (they are listed under the org only while the person is a member), then access, then membership. */
export const Phase = { Credentials: 0, Access: 1, Membership: 2 } as const;

export const statusOf = (error: unknown): number | undefined => (error as { status?: number }).status;

export function githubErrorText(error: unknown): string {
  const status = statusOf(error);
  const message = (error as { message?: string }).message ?? String(error);
  // Octokit appends " - https://docs.github.com/..." to messages; the link is noise here.
  return `${status ? `HTTP ${status}: ` : ''}${message.replace(/ - https:\/\/docs\.github\.com\S*$/, '')}`;
}

/**
 * GitHub answers 404 both for "not there" and for "not visible to you". A 404 to a removal counts
 * as already gone only when these credentials can see the org's members and a fresh read
 * confirms the thing is absent; otherwise it is an error that points at the token's scopes.
 */
const githubNotFound = notFoundRule({
  vendor: 'GitHub',
  statusOf,
  stillThere: () => 'it is still there: the credentials can read it but not change it (token scope admin:org / App write permission needed)',
});

export function removeOrConfirmGone(context: GitHubContext, what: string, remove: () => Promise<unknown>, stillThere: () => Promise<boolean>): Promise<RevokeOutcome> {
  return githubNotFound.removeOrConfirmGone(what, remove, stillThere, {
    beforeTrusting: () => {
      if (context.canSeeMembers) return;
      throw new Error(
        `GitHub answered 404 for ${what}, and these credentials cannot see ${context.org}'s members, so it may be hidden rather than gone: give the token admin:org (or the App the Members permission)`,
      );
    },
  });
}

/** A read that answers 404 when the thing is absent: true if present. */
export const exists = githubNotFound.exists;

export const sameLogin = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
