import type { GraphApi } from '../graph-api.js';
import { finding, Phase, targetOf, removeOrConfirmGone, userIdOf, userPath, type EntraKind } from '../kind.js';

interface MemberOf {
  '@odata.type': string;
  id: string;
  displayName?: string;
  groupTypes?: string[];
  onPremisesSyncEnabled?: boolean | null;
}

const memberships = (graph: GraphApi, userId: string) => graph.list<MemberOf>(`${userPath(userId)}/memberOf?$select=id,displayName,groupTypes,onPremisesSyncEnabled`);

/** Direct memberships of assigned groups removed; dynamic and on-premises-synced groups are listed as skipped, not touched. */
export const groups: EntraKind = {
  name: 'groups',
  description: 'direct memberships of assigned groups removed; dynamic groups (rule-based) and groups synced from on-premises AD are listed as skipped, with why',
  permissions: ['GroupMember.ReadWrite.All', 'GroupMember.Read.All'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const found = [];
    const leftAlone = [];
    for (const group of (await memberships(graph, user.id)).filter((m) => m['@odata.type'] === '#microsoft.graph.group')) {
      const name = group.displayName ?? group.id;
      if (group.groupTypes?.includes('DynamicMembership')) leftAlone.push(`dynamic group ${name} (its rule computes the members: change the user's attributes or the rule)`);
      else if (group.onPremisesSyncEnabled) leftAlone.push(`group ${name} (synced from on-premises Active Directory: remove the membership there)`);
      else found.push(finding('groups', user, group.id, `member of group ${name}`, Phase.Access, { group: name }));
    }
    return leftAlone.length > 0 ? { findings: found, skipped: `${user.userPrincipalName} stays in ${leftAlone.join('; ')}` } : found;
  },
  async revoke(context, found, request) {
    const userId = await userIdOf(context, request, found);
    if (!userId) return { status: 'already-gone' };
    return removeOrConfirmGone(
      found.label,
      () => context.graph.delete(`/groups/${encodeURIComponent(found.id)}/members/${encodeURIComponent(userId)}/$ref`),
      async () => (await memberships(context.graph, userId)).some((m) => m.id === found.id),
    );
  },
};
