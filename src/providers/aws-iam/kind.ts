import type { IAM } from '@aws-sdk/client-iam';
import type { ProviderKind } from '../define.js';
import type { RevokeOutcome } from '../types.js';

export type IamMode = 'disable' | 'delete';

export interface IamContext {
  /** Mutating in revoke; in discovery, presence and watch the read-only client (every write refused). */
  iam: IAM;
  /** The read-only client, kept so a revoke can look around read-only (what blocks a delete). */
  readOnlyIam?: IAM;
  /** A run's read cache over the read-only client, begun by connect (its people's first reads); `withReadCache` hands it on. */
  readCache?: IAM;
  pageSize: number;
  /** A CloudTrail client for a region (default: the provider's), same credentials (loaded only by `revoke watch`). */
  cloudTrail?: (region?: string) => Promise<import('@aws-sdk/client-cloudtrail').CloudTrailClient>;
  /** An AWS Account client (ListRegions), loaded only by `revoke watch`. */
  account?: () => Promise<import('@aws-sdk/client-account').AccountClient>;
  /** `revoke watch`: the regions to read CloudTrail in, instead of every enabled region. */
  watchRegions?: string[];
  /** An existing session cutoff this recent (ms before discovery) counts as done; older ones are renewed. */
  sessionCutoffSkewMs?: number;
}

/** Clock skew and run length an existing cutoff may be behind "now" and still count as this run's (5 min). */
export const DEFAULT_SESSION_CUTOFF_SKEW_MS = 5 * 60_000;

export interface IamRequest {
  user: string;
  mode: IamMode;
  roles: string[];
  /** Blast radius: use within this window (ms) is recent. */
  recentMs: number;
}

/** One revoke kind of the aws-iam provider: its metadata, discovery (reads only) and revocation. */
export type IamKind = ProviderKind<IamContext, IamRequest>;

/**
 * Phases inside a step: contain first (deny policy, sessions), then credentials, then what
 * DeleteUser also needs gone (MFA, policies, groups), then the user itself.
 */
export const Phase = { Contain: 0, Credentials: 1, Attachments: 2, User: 3 } as const;

/** Collects every page of an IAM List call (Marker / IsTruncated). */
export async function collectPages<T>(
  fetch: (marker: string | undefined) => Promise<{ items: T[] | undefined; IsTruncated?: boolean | undefined; Marker?: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const response = await fetch(marker);
    all.push(...(response.items ?? []));
    if (!response.IsTruncated || !response.Marker) return all;
    marker = response.Marker;
  }
  throw new Error('IAM kept returning pages; stopped after 10000');
}

export function outcome(result: 'done' | 'gone', detail?: string): RevokeOutcome {
  if (result === 'gone') return { status: 'already-gone' };
  return detail === undefined ? { status: 'revoked' } : { status: 'revoked', detail };
}
