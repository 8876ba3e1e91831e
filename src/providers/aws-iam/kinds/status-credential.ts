import { unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamContext, type IamKind } from '../kind.js';

export interface StatusCredential {
  id: string;
  status: string | undefined;
  label: string;
}

/**
 * The shape shared by credentials that have an Active/Inactive status (access keys, SSH keys,
 * signing certificates, service-specific credentials): disable sets them Inactive (reversible),
 * delete removes them. Inactive ones are not findings in disable mode: they are contained already.
 */
export function statusCredentialKind(spec: {
  name: string;
  description: string;
  noun: string;
  permissions: { list: string; update: string; delete: string; evidence?: string };
  list(context: IamContext, user: string, marker: string | undefined): Promise<{ items: StatusCredential[]; IsTruncated?: boolean | undefined; Marker?: string | undefined }>;
  deactivate(context: IamContext, user: string, id: string): Promise<unknown>;
  /** Blast radius: what can be read about this credential's use, and warnings from it. */
  evidence?(context: IamContext, id: string, recentMs: number): Promise<{ details: Record<string, string | number | boolean>; warnings: string[] }>;
  remove(context: IamContext, user: string, id: string): Promise<unknown>;
}): IamKind {
  return {
    name: spec.name,
    description: spec.description,
    permissions: [spec.permissions.list, spec.permissions.update, spec.permissions.delete, ...(spec.permissions.evidence ? [spec.permissions.evidence] : [])],
    reversible: false,
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
      if (request.mode === 'disable') return outcome(await unlessGone(() => spec.deactivate(context, request.user, finding.id)), 'set Inactive');
      return outcome(await unlessGone(() => spec.remove(context, request.user, finding.id)), 'deleted');
    },
  };
}
