import { unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';

const isVirtual = (serial: string) => /^arn:aws[\w-]*:iam::\d{12}:mfa\//.test(serial);

/**
 * MFA devices grant nothing by themselves, so disable mode leaves them (the person keeps their
 * authenticator for a reinstatement). Delete mode deactivates each and deletes virtual ones,
 * as DeleteUser requires.
 */
export const mfaDevices: IamKind = {
  name: 'mfa-devices',
  description: 'MFA devices: delete mode deactivates them and deletes virtual ones; left alone in disable mode',
  permissions: ['iam:ListMFADevices', 'iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice'],
  reversible: false,
  async discover({ iam, pageSize }, { user, mode }) {
    if (mode === 'disable') return [];
    const devices = await collectPages(async (marker) => {
      const page = await iam.listMFADevices({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.MFADevices };
    });
    return devices.map((d) => ({
      id: d.SerialNumber!,
      kind: 'mfa-devices',
      label: `${isVirtual(d.SerialNumber!) ? 'virtual' : 'hardware'} MFA device ${d.SerialNumber}`,
      phase: Phase.Attachments,
      details: { virtual: isVirtual(d.SerialNumber!) },
    }));
  },
  async revoke({ iam }, finding, { user }) {
    const deactivated = await unlessGone(() => iam.deactivateMFADevice({ UserName: user, SerialNumber: finding.id }));
    if (!isVirtual(finding.id)) return outcome(deactivated, 'deactivated');
    const deleted = await unlessGone(() => iam.deleteVirtualMFADevice({ SerialNumber: finding.id }));
    return outcome(deactivated === 'gone' && deleted === 'gone' ? 'gone' : 'done', 'deactivated and deleted');
  },
  notRestorable: (finding, { user }) => ({
    reason: `MFA device ${finding.id} was deactivated${isVirtual(finding.id) ? ' and deleted' : ''}: the person registers a device again`,
    instead: `aws iam enable-mfa-device --user-name ${user} --serial-number <serial> --authentication-code1 <code> --authentication-code2 <code>`,
  }),
};
