import { ago } from '../../types.js';
import { statusCredentialKind } from './status-credential.js';

export const accessKeys = statusCredentialKind({
  name: 'access-keys',
  description: 'programmatic access keys: disable sets them Inactive, delete removes them',
  noun: 'access key',
  permissions: { list: 'iam:ListAccessKeys', update: 'iam:UpdateAccessKey', delete: 'iam:DeleteAccessKey', evidence: 'iam:GetAccessKeyLastUsed' },
  list: async ({ iam, pageSize }, user, marker) => {
    const page = await iam.listAccessKeys({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return {
      ...page,
      items: (page.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId!, status: k.Status, label: `${k.AccessKeyId} created ${k.CreateDate?.toISOString().slice(0, 10) ?? '?'}` })),
    };
  },
  setStatus: ({ iam }, user, id, status) => iam.updateAccessKey({ UserName: user, AccessKeyId: id, Status: status }),
  async evidence({ iam }, id, recentMs) {
    const { AccessKeyLastUsed: used } = await iam.getAccessKeyLastUsed({ AccessKeyId: id });
    if (!used?.LastUsedDate) return { details: { lastUsed: false }, warnings: [] };
    const details = { lastUsed: used.LastUsedDate.toISOString(), lastUsedAgo: ago(used.LastUsedDate), lastUsedService: used.ServiceName ?? '?', lastUsedRegion: used.Region ?? '?' };
    const recent = Date.now() - used.LastUsedDate.getTime() <= recentMs;
    return {
      details,
      warnings: recent ? [`access key ${id} was used ${details.lastUsedAgo} (${details.lastUsedService}, ${details.lastUsedRegion}): looks like automation; revoking may break a workload`] : [],
    };
  },
  recreate: (user) => `aws iam create-access-key --user-name ${user}`,
  remove: ({ iam }, user, id) => iam.deleteAccessKey({ UserName: user, AccessKeyId: id }),
});
