import { statusCredentialKind } from './status-credential.js';

export const serviceCredentials = statusCredentialKind({
  name: 'service-credentials',
  description: 'service-specific credentials (CodeCommit Git, Keyspaces, Bedrock API keys): disable sets them Inactive, delete removes them',
  noun: 'service credential',
  permissions: { list: 'iam:ListServiceSpecificCredentials', update: 'iam:UpdateServiceSpecificCredential', delete: 'iam:DeleteServiceSpecificCredential' },
  list: async ({ iam, pageSize }, user, marker) => {
    const page = await iam.listServiceSpecificCredentials({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return {
      ...page,
      items: (page.ServiceSpecificCredentials ?? []).map((c) => ({ id: c.ServiceSpecificCredentialId!, status: c.Status, label: `${c.ServiceSpecificCredentialId} for ${c.ServiceName}` })),
    };
  },
  setStatus: ({ iam }, user, id, status) => iam.updateServiceSpecificCredential({ UserName: user, ServiceSpecificCredentialId: id, Status: status }),
  recreate: (user) => `aws iam create-service-specific-credential --user-name ${user} --service-name <service>`,
  remove: ({ iam }, user, id) => iam.deleteServiceSpecificCredential({ UserName: user, ServiceSpecificCredentialId: id }),
});
