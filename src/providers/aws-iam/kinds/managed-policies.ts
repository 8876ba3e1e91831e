import { unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';

export const managedPolicies: IamKind = {
  name: 'managed-policies',
  description: 'managed policies attached to the user: detached in delete mode; left alone in disable mode',
  permissions: ['iam:ListAttachedUserPolicies', 'iam:DetachUserPolicy'],
  reversible: true,
  async discover({ iam, pageSize }, { user, mode }) {
    if (mode === 'disable') return [];
    const attached = await collectPages(async (marker) => {
      const page = await iam.listAttachedUserPolicies({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.AttachedPolicies };
    });
    return attached.map((p) => ({ id: p.PolicyArn!, kind: 'managed-policies', label: `managed policy ${p.PolicyName} (${p.PolicyArn})`, phase: Phase.Attachments }));
  },
  async revoke({ iam }, finding, { user }) {
    return outcome(await unlessGone(() => iam.detachUserPolicy({ UserName: user, PolicyArn: finding.id })), 'detached');
  },
};
