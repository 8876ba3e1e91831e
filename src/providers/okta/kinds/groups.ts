import type { Finding } from '../../types.js';
import { findUser, Phase, removeOrConfirmGone, stillListed, type OktaKind } from '../kind.js';

interface Group {
  id: string;
  type: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
  profile: { name: string };
}

/** Direct Okta group memberships; app-sourced (directory) and built-in groups are left alone, and said so. */
export const groups: OktaKind = {
  name: 'groups',
  description: 'direct OKTA_GROUP memberships: removed (app-sourced groups are reported as skipped)',
  permissions: ['okta.groups.manage'],
  reversible: false,
  async discover(context, { user }) {
    const person = await findUser(context, user);
    if (!person) return [];
    const memberships = await context.http.get<Group[]>(`/api/v1/users/${person.id}/groups`);
    const findings: Finding[] = memberships
      .filter((g) => g.type === 'OKTA_GROUP')
      .map((group) => ({
        id: group.id,
        kind: 'groups',
        label: `member of group ${group.profile.name}`,
        phase: Phase.Access,
        details: { userId: person.id, groupName: group.profile.name, wasMember: true },
      }));
    const appSourced = memberships.filter((g) => g.type === 'APP_GROUP').map((g) => g.profile.name);
    if (appSourced.length === 0) return findings;
    return { findings, skipped: `app-sourced groups ${appSourced.join(', ')}: their membership comes from the source directory (remove the person there, or deactivate the user)` };
  },
  async revoke(context, finding) {
    const userId = String(finding.details?.userId);
    return removeOrConfirmGone(finding.label, () => context.http.send('DELETE', `/api/v1/groups/${finding.id}/users/${userId}`), stillListed(context, `/api/v1/users/${userId}/groups`, finding.id));
  },
  notRestorable: () => ({ reason: 'removed group memberships are not re-added by revoke restore', instead: 'add the person to the groups again (the report lists them)' }),
};
