import { statusCredentialKind } from './status-credential.js';

export const accessKeys = statusCredentialKind({
  name: 'access-keys',
  description: 'programmatic access keys: disable sets them Inactive, delete removes them',
  noun: 'access key',
  permissions: { list: 'iam:ListAccessKeys', update: 'iam:UpdateAccessKey', delete: 'iam:DeleteAccessKey' },
  list: async ({ iam, pageSize }, user, marker) => {
    const page = await iam.listAccessKeys({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return {
      ...page,
      items: (page.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId!, status: k.Status, label: `${k.AccessKeyId} created ${k.CreateDate?.toISOString().slice(0, 10) ?? '?'}` })),
    };
  },
  deactivate: ({ iam }, user, id) => iam.updateAccessKey({ UserName: user, AccessKeyId: id, Status: 'Inactive' }),
  remove: ({ iam }, user, id) => iam.deleteAccessKey({ UserName: user, AccessKeyId: id }),
});
