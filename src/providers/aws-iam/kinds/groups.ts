import { unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';

export const groups: IamKind = {
  name: 'groups',
  description: 'group memberships: removed in delete mode; left alone in disable mode',
  permissions: ['iam:ListGroupsForUser', 'iam:GetGroup', 'iam:RemoveUserFromGroup'],
  reversible: true,
  async discover({ iam, pageSize }, { user, mode }) {
    if (mode === 'disable') return [];
    const memberships = await collectPages(async (marker) => {
      const page = await iam.listGroupsForUser({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.Groups };
    });
    return Promise.all(
      memberships.map(async (g) => {
        const { Users: members = [] } = await iam.getGroup({ GroupName: g.GroupName!, MaxItems: 2 });
        const alone = members.length === 1;
        return {
          id: g.GroupName!,
          kind: 'groups',
          label: `member of group ${g.GroupName}${alone ? ' (its only member)' : ''}`,
          phase: Phase.Attachments,
          ...(alone ? { warnings: [`${user} is the only member of group ${g.GroupName}: it will be empty (whatever relies on it loses its last user)`] } : {}),
        };
      }),
    );
  },
  async revoke({ iam }, finding, { user }) {
    return outcome(await unlessGone(() => iam.removeUserFromGroup({ UserName: user, GroupName: finding.id })), 'removed from group');
  },
};
