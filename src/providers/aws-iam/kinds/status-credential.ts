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
  permissions: { list: string; update: string; delete: string };
  list(context: IamContext, user: string, marker: string | undefined): Promise<{ items: StatusCredential[]; IsTruncated?: boolean | undefined; Marker?: string | undefined }>;
  deactivate(context: IamContext, user: string, id: string): Promise<unknown>;
  remove(context: IamContext, user: string, id: string): Promise<unknown>;
}): IamKind {
  return {
    name: spec.name,
    description: spec.description,
    permissions: [spec.permissions.list, spec.permissions.update, spec.permissions.delete],
    reversible: false,
    async discover(context, request) {
      const items = await collectPages((marker) => spec.list(context, request.user, marker));
      return items
        .filter((item) => request.mode === 'delete' || item.status === 'Active')
        .map((item) => ({
          id: item.id,
          kind: spec.name,
          label: `${spec.noun} ${item.label} (${(item.status ?? 'unknown').toLowerCase()})`,
          phase: Phase.Credentials,
          details: { status: item.status ?? 'unknown' },
        }));
    },
    async revoke(context, finding, request) {
      if (request.mode === 'disable') return outcome(await unlessGone(() => spec.deactivate(context, request.user, finding.id)), 'set Inactive');
      return outcome(await unlessGone(() => spec.remove(context, request.user, finding.id)), 'deleted');
    },
  };
}
