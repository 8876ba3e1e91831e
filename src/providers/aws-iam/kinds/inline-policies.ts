import { unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';
import { REVOKE_OWNED_POLICIES } from '../policies.js';

/** The user's own inline policies (not the ones revoke puts on: those go with the user). */
export const inlinePolicies: IamKind = {
  name: 'inline-policies',
  description: "the user's inline policies: deleted in delete mode; left alone in disable mode (the deny-all policy overrides them)",
  permissions: ['iam:ListUserPolicies', 'iam:DeleteUserPolicy'],
  reversible: false,
  async discover({ iam, pageSize }, { user, mode }) {
    if (mode === 'disable') return [];
    const names = await collectPages(async (marker) => {
      const page = await iam.listUserPolicies({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.PolicyNames };
    });
    return names
      .filter((name) => !REVOKE_OWNED_POLICIES.has(name))
      .map((name) => ({ id: name, kind: 'inline-policies', label: `inline policy ${name}`, phase: Phase.Attachments }));
  },
  async revoke({ iam }, finding, { user }) {
    return outcome(await unlessGone(() => iam.deleteUserPolicy({ UserName: user, PolicyName: finding.id })), 'deleted');
  },
  notRestorable: (finding, { user }) => ({
    reason: `inline policy ${finding.id} was deleted and its document is not in the report`,
    instead: `aws iam put-user-policy --user-name ${user} --policy-name ${finding.id} --policy-document file://<policy.json>`,
  }),
};
