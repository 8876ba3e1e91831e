import { statusCredentialKind } from './status-credential.js';

export const sshKeys = statusCredentialKind({
  name: 'ssh-keys',
  description: 'SSH public keys for CodeCommit: disable sets them Inactive, delete removes them',
  noun: 'SSH key',
  permissions: { list: 'iam:ListSSHPublicKeys', update: 'iam:UpdateSSHPublicKey', delete: 'iam:DeleteSSHPublicKey' },
  list: async ({ iam, pageSize }, user, marker) => {
    const page = await iam.listSSHPublicKeys({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return { ...page, items: (page.SSHPublicKeys ?? []).map((k) => ({ id: k.SSHPublicKeyId!, status: k.Status, label: k.SSHPublicKeyId! })) };
  },
  setStatus: ({ iam }, user, id, status) => iam.updateSSHPublicKey({ UserName: user, SSHPublicKeyId: id, Status: status }),
  recreate: (user) => `aws iam upload-ssh-public-key --user-name ${user} --ssh-public-key-body file://<key.pub>`,
  remove: ({ iam }, user, id) => iam.deleteSSHPublicKey({ UserName: user, SSHPublicKeyId: id }),
});
