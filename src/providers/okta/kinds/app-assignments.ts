import type { Finding } from '../../types.js';
import { exists, findUser, Phase, removeOrConfirmGone, type OktaKind } from '../kind.js';

interface AppLink {
  appInstanceId: string;
  label: string;
  appName: string;
}
interface AppUser {
  scope: 'USER' | 'GROUP';
  status?: string;
  syncState?: string;
}

/** Direct app assignments; removing one deprovisions the app account where the app provisions. */
export const appAssignments: OktaKind = {
  name: 'app-assignments',
  description: 'direct app assignments: removed (deprovisions the app account where the app has provisioning)',
  permissions: ['okta.apps.manage'],
  reversible: false,
  async discover(context, { user }) {
    const person = await findUser(context, user);
    if (!person) return [];
    const links = await context.http.get<AppLink[]>(`/api/v1/users/${person.id}/appLinks`);
    // One app can show several links; one assignment each.
    const apps = [...new Map(links.map((l) => [l.appInstanceId, l])).values()];
    const findings: Finding[] = [];
    const viaGroup: string[] = [];
    for (const app of apps) {
      const assignment = await context.http.get<AppUser>(`/api/v1/apps/${app.appInstanceId}/users/${person.id}`);
      if (assignment.scope === 'GROUP') {
        viaGroup.push(app.label);
        continue;
      }
      const provisioned = assignment.syncState !== undefined && assignment.syncState !== 'DISABLED';
      findings.push({
        id: app.appInstanceId,
        kind: 'app-assignments',
        label: `assigned to app ${app.label}${provisioned ? ' (provisioned: removing it deprovisions the app account)' : ''}`,
        phase: Phase.Access,
        details: { userId: person.id, app: app.label, appName: app.appName, provisioned, ...(assignment.status ? { wasStatus: assignment.status } : {}) },
        ...(provisioned ? { warnings: [`${app.label} provisions accounts: removing the assignment deprovisions ${person.profile.login}'s ${app.label} account (the app may deactivate or delete it and its data)`] } : {}),
      });
    }
    if (viaGroup.length === 0) return findings;
    return { findings, skipped: `apps assigned through a group (${viaGroup.join(', ')}): removing the group membership (kind groups) or deactivating the user removes them` };
  },
  async revoke(context, finding) {
    const path = `/api/v1/apps/${finding.id}/users/${String(finding.details?.userId)}`;
    return removeOrConfirmGone(finding.label, () => context.http.send('DELETE', path), () => exists(() => context.http.get(path)));
  },
  notRestorable: () => ({ reason: 'removed app assignments are not re-created by revoke restore', instead: 'assign the apps again (the report lists them)' }),
};
