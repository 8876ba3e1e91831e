import type { IAM } from '@aws-sdk/client-iam';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';

export const groups: IamKind = {
  name: 'groups',
  description: 'group memberships: removed in delete mode; left alone in disable mode',
  permissions: ['iam:ListGroupsForUser', 'iam:GetGroup', 'iam:RemoveUserFromGroup', 'iam:AddUserToGroup'],
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

  // `revoke restore`: back into the group, if both still exist.
  async planRestore({ iam, pageSize }, finding, { user }) {
    const now = await membership(iam, pageSize, user, finding.id);
    if (now === 'user-gone') return { action: 'conflict', reason: `IAM user ${user} no longer exists` };
    if (now === 'group-gone') return { action: 'conflict', reason: `group ${finding.id} no longer exists` };
    return { action: 'restore', what: now === 'member' ? `member of group ${finding.id} already` : `add ${user} to group ${finding.id} again` };
  },
  async restore({ iam, pageSize }, finding, { user }) {
    const now = await membership(iam, pageSize, user, finding.id);
    if (now === 'user-gone' || now === 'group-gone') return { status: 'conflict', reason: now === 'user-gone' ? `IAM user ${user} no longer exists` : `group ${finding.id} no longer exists` };
    if (now === 'member') return { status: 'already-restored' };
    await iam.addUserToGroup({ UserName: user, GroupName: finding.id });
    return { status: 'restored', detail: 'added to group' };
  },
};

async function membership(iam: IAM, pageSize: number, user: string, group: string): Promise<'member' | 'not-member' | 'user-gone' | 'group-gone'> {
  try {
    await iam.getGroup({ GroupName: group, MaxItems: 1 });
  } catch (error) {
    if (isNoSuchEntity(error)) return 'group-gone';
    throw error;
  }
  try {
    const groups = await collectPages(async (marker) => {
      const page = await iam.listGroupsForUser({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.Groups };
    });
    return groups.some((g) => g.GroupName === group) ? 'member' : 'not-member';
  } catch (error) {
    if (isNoSuchEntity(error)) return 'user-gone';
    throw error;
  }
}
