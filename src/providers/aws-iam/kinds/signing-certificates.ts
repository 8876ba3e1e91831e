import { statusCredentialKind } from './status-credential.js';

export const signingCertificates = statusCredentialKind({
  name: 'signing-certificates',
  description: 'X.509 signing certificates: disable sets them Inactive, delete removes them',
  noun: 'signing certificate',
  permissions: { list: 'iam:ListSigningCertificates', update: 'iam:UpdateSigningCertificate', delete: 'iam:DeleteSigningCertificate' },
  list: async ({ iam, pageSize }, user, marker) => {
    const page = await iam.listSigningCertificates({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return { ...page, items: (page.Certificates ?? []).map((c) => ({ id: c.CertificateId!, status: c.Status, label: c.CertificateId! })) };
  },
  setStatus: ({ iam }, user, id, status) => iam.updateSigningCertificate({ UserName: user, CertificateId: id, Status: status }),
  recreate: (user) => `aws iam upload-signing-certificate --user-name ${user} --certificate-body file://<cert.pem>`,
  remove: ({ iam }, user, id) => iam.deleteSigningCertificate({ UserName: user, CertificateId: id }),
});
