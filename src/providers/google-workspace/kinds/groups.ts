import { allPages, DELETE_ONLY, exists, Phase, removeOrConfirmGone, type GoogleContext, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

async function owners(directory: GoogleContext['directory'], groupKey: string): Promise<string[]> {
  const members = await allPages(async (pageToken) => {
    const { data } = await directory.members.list({ groupKey, roles: 'OWNER', maxResults: 200, ...(pageToken ? { pageToken } : {}) });
    return { items: data.members, nextPageToken: data.nextPageToken };
  });
  return members.map((m) => (m.email ?? '').toLowerCase());
}

/** Direct group memberships (groups.list?userKey, members.delete); a sole owner is warned about. */
export const groups: GoogleKind = {
  name: 'groups',
  description: 'direct group memberships: removed (members.delete); role recorded; warns when the person is the only owner',
  permissions: [Scope.group],
  reversible: false,
  async discover({ directory }, { user, mode }) {
    if (mode !== 'delete') return { skipped: DELETE_ONLY };
    const found = await allPages(async (pageToken) => {
      const { data } = await directory.groups.list({ userKey: user, maxResults: 200, ...(pageToken ? { pageToken } : {}) });
      return { items: data.groups, nextPageToken: data.nextPageToken };
    });
    return Promise.all(
      found.map(async (group) => {
        const email = group.email!.toLowerCase();
        const { data: member } = await directory.members.get({ groupKey: email, memberKey: user });
        const role = member.role ?? 'MEMBER';
        const soleOwner = role === 'OWNER' && (await owners(directory, email)).every((owner) => owner === user);
        return {
          id: email,
          kind: 'groups',
          label: `${role.toLowerCase()} of group ${email}${group.directMembersCount ? ` (${group.directMembersCount} members)` : ''}`,
          phase: Phase.Access,
          details: { role, groupId: group.id ?? '' },
          ...(soleOwner ? { warnings: [`${user} is the only owner of ${email}: the group is left without an owner; make someone else owner first`] } : {}),
        };
      }),
    );
  },
  async revoke({ directory, write }, finding, { user }) {
    return removeOrConfirmGone(
      `${user}'s membership of ${finding.id}`,
      () => write(() => directory.members.delete({ groupKey: finding.id, memberKey: user })),
      () => exists(() => directory.members.get({ groupKey: finding.id, memberKey: user })),
    );
  },
};
