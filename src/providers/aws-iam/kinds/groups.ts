import { unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';

export const groups: IamKind = {
  name: 'groups',
  description: 'group memberships: removed in delete mode; left alone in disable mode',
  permissions: ['iam:ListGroupsForUser', 'iam:RemoveUserFromGroup'],
  reversible: true,
  async discover({ iam, pageSize }, { user, mode }) {
    if (mode === 'disable') return [];
    const memberships = await collectPages(async (marker) => {
      const page = await iam.listGroupsForUser({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.Groups };
    });
    return memberships.map((g) => ({ id: g.GroupName!, kind: 'groups', label: `member of group ${g.GroupName}`, phase: Phase.Attachments }));
  },
  async revoke({ iam }, finding, { user }) {
    return outcome(await unlessGone(() => iam.removeUserFromGroup({ UserName: user, GroupName: finding.id })), 'removed from group');
  },
};
