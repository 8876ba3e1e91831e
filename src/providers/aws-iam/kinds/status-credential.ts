import type { Finding } from '../../types.js';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamContext, type IamKind, type IamRequest } from '../kind.js';

export interface StatusCredential {
  id: string;
  status: string | undefined;
  label: string;
}

/**
 * The shape shared by credentials that have an Active/Inactive status (access keys, SSH keys,
 * signing certificates, service-specific credentials): disable sets them Inactive (reversible),
 * delete removes them. Inactive ones are not findings in disable mode: they are contained already.
 * `details.status` is the status before the run: restore sets Active again only what was Active.
 */
export function statusCredentialKind(spec: {
  name: string;
  description: string;
  noun: string;
  permissions: { list: string; update: string; delete: string; evidence?: string };
  list(context: IamContext, user: string, marker: string | undefined): Promise<{ items: StatusCredential[]; IsTruncated?: boolean | undefined; Marker?: string | undefined }>;
  setStatus(context: IamContext, user: string, id: string, status: 'Active' | 'Inactive'): Promise<unknown>;
  /** The command that makes a new one, for a deleted credential restore cannot bring back. */
  recreate(user: string): string;
  /** Blast radius: what can be read about this credential's use, and warnings from it. */
  evidence?(context: IamContext, id: string, recentMs: number): Promise<{ details: Record<string, string | number | boolean>; warnings: string[] }>;
  remove(context: IamContext, user: string, id: string): Promise<unknown>;
}): IamKind {
  return {
    name: spec.name,
    description: spec.description,
    permissions: [spec.permissions.list, spec.permissions.update, spec.permissions.delete, ...(spec.permissions.evidence ? [spec.permissions.evidence] : [])],
    // Disable mode (Inactive) is undone by `revoke restore`; delete mode is not.
    reversible: true,
    async discover(context, request) {
      const items = await collectPages((marker) => spec.list(context, request.user, marker));
      const wanted = items.filter((item) => request.mode === 'delete' || item.status === 'Active');
      return Promise.all(
        wanted.map(async (item) => {
          const evidence = spec.evidence ? await spec.evidence(context, item.id, request.recentMs) : { details: {}, warnings: [] };
          return {
            id: item.id,
            kind: spec.name,
            label: `${spec.noun} ${item.label} (${(item.status ?? 'unknown').toLowerCase()}${evidence.details.lastUsed ? `, last used ${String(evidence.details.lastUsedAgo)}` : ''})`,
            phase: Phase.Credentials,
            details: { status: item.status ?? 'unknown', ...evidence.details },
            ...(evidence.warnings.length ? { warnings: evidence.warnings } : {}),
          };
        }),
      );
    },
    async revoke(context, finding, request) {
      if (request.mode === 'disable') return outcome(await unlessGone(() => spec.setStatus(context, request.user, finding.id, 'Inactive')), 'set Inactive');
      return outcome(await unlessGone(() => spec.remove(context, request.user, finding.id)), 'deleted');
    },

    // `revoke restore`: Active again, only if it was Active before the run and still exists.
    async planRestore(context, finding, request) {
      if (request.mode === 'delete') return { action: 'not-restorable', reason: `the ${spec.noun} was deleted`, instead: spec.recreate(request.user) };
      if (finding.details?.status !== 'Active') return { action: 'keep', reason: `it was ${String(finding.details?.status ?? 'not Active')} before the run` };
      const now = await currentStatus(context, finding, request);
      if (now === undefined) return { action: 'conflict', reason: `${spec.noun} ${finding.id} no longer exists (deleted since the run)` };
      return { action: 'restore', what: now === 'Active' ? `${spec.noun} ${finding.id} is Active already` : `set ${spec.noun} ${finding.id} Active again` };
    },
    async restore(context, finding, request) {
      const now = await currentStatus(context, finding, request);
      if (now === undefined) return { status: 'conflict', reason: `${spec.noun} ${finding.id} no longer exists (deleted since the run)` };
      if (now === 'Active') return { status: 'already-restored', detail: 'Active' };
      const done = await unlessGone(() => spec.setStatus(context, request.user, finding.id, 'Active'));
      return done === 'gone' ? { status: 'conflict', reason: `${spec.noun} ${finding.id} no longer exists (deleted since the run)` } : { status: 'restored', detail: 'set Active' };
    },
  };

  async function currentStatus(context: IamContext, finding: Finding, request: IamRequest): Promise<string | undefined> {
    try {
      const items = await collectPages((marker) => spec.list(context, request.user, marker));
      return items.find((item) => item.id === finding.id)?.status;
    } catch (error) {
      if (isNoSuchEntity(error)) return undefined;
      throw error;
    }
  }
}
