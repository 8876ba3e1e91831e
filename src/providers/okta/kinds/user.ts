import { findUser, guardSuperAdmin, Phase, readUser, statusOf, type OktaKind } from '../kind.js';

/** Delete mode's last step: deactivate (which ends everything the account holds), then delete. */
export const user: OktaKind = {
  name: 'user',
  mayRefuse: true,
  description: 'delete mode: deactivate, then delete the user (last)',
  permissions: ['okta.users.manage', 'okta.roles.read (the super admin guard)'],
  reversible: false,
  async discover(context, request) {
    if (request.mode !== 'delete') return { skipped: 'the user is deactivated and deleted only in delete mode (disable mode suspends it: kind suspend)' };
    const person = await findUser(context, request.user);
    if (!person) return [];
    await guardSuperAdmin(context, person, request, 'deactivate and delete them');
    return [
      {
        id: person.id,
        kind: 'user',
        label: `deactivate and delete Okta user ${person.profile.login} (now ${person.status}${person.lastLogin ? `, last sign-in ${person.lastLogin.slice(0, 10)}` : ''})`,
        phase: Phase.Delete,
        details: { userId: person.id, wasStatus: person.status },
      },
    ];
  },
  async revoke(context, finding) {
    const path = `/api/v1/users/${finding.id}`;
    const now = await readUser(context, finding.id);
    if (!now) return { status: 'already-gone', detail: 'the user no longer exists' };
    try {
      if (now.status !== 'DEPROVISIONED') await context.http.send('POST', `${path}/lifecycle/deactivate`);
      await context.http.send('DELETE', path);
    } catch (error) {
      if (statusOf(error) === 404 && !(await readUser(context, finding.id))) return { status: 'already-gone', detail: 'the user no longer exists' };
      throw error;
    }
    return { status: 'revoked', detail: now.status === 'DEPROVISIONED' ? 'deleted (was already deactivated)' : 'deactivated and deleted' };
  },
  notRestorable: () => ({ reason: 'the Okta user was deactivated and deleted', instead: 'create the user again (Okta cannot undelete)', identityRemoved: true }),
};
