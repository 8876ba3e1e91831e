import { findUser, guardSuperAdmin, Phase, readUser, statusOf, type OktaKind } from '../kind.js';

/** Disable mode's account action: suspended users cannot sign in, and unsuspend restores them as they were. */
export const suspend: OktaKind = {
  name: 'suspend',
  mayRefuse: true,
  description: 'disable mode: suspend the user (reversible with lifecycle/unsuspend)',
  permissions: ['okta.users.manage', 'okta.roles.read (the super admin guard)'],
  reversible: true,
  async discover(context, request) {
    if (request.mode === 'delete') return { skipped: 'delete mode deactivates and deletes the user instead (kind user)' };
    const person = await findUser(context, request.user);
    if (!person || person.status === 'SUSPENDED' || person.status === 'DEPROVISIONED') return [];
    if (person.status !== 'ACTIVE') return { skipped: `Okta suspends only ACTIVE users and ${person.profile.login} is ${person.status}: use mode: delete to deactivate` };
    await guardSuperAdmin(context, person, request, 'suspend them');
    return [
      {
        id: person.id,
        kind: 'suspend',
        label: `suspend Okta user ${person.profile.login} (now ${person.status})`,
        phase: Phase.Account,
        details: { userId: person.id, wasStatus: person.status, wasSuspended: false },
      },
    ];
  },
  async revoke(context, finding) {
    try {
      await context.http.send('POST', `/api/v1/users/${finding.id}/lifecycle/suspend`);
      return { status: 'revoked', detail: 'suspended' };
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 400) throw error;
      // Fresh read: gone, or already suspended (by someone else meanwhile), counts as done.
      const now = await readUser(context, finding.id);
      if (!now) return { status: 'already-gone', detail: 'the user no longer exists' };
      if (now.status === 'SUSPENDED' || now.status === 'DEPROVISIONED') return { status: 'already-gone', detail: `already ${now.status}` };
      throw error;
    }
  },

  // `revoke restore`: unsuspended (lifecycle/unsuspend), back to ACTIVE as it was (details.wasStatus).
  async planRestore(context, finding) {
    const now = await readUser(context, finding.id);
    if (!now) return { action: 'conflict', reason: 'the Okta user no longer exists (deleted since the run)' };
    if (now.status === 'SUSPENDED') return { action: 'restore', what: `unsuspend Okta user ${now.profile.login} (was ${String(finding.details?.wasStatus ?? 'ACTIVE')})` };
    if (now.status === 'ACTIVE') return { action: 'restore', what: `Okta user ${now.profile.login} is ACTIVE already` };
    return { action: 'conflict', reason: `Okta user ${now.profile.login} is ${now.status} now, not SUSPENDED: someone changed it since the run` };
  },
  async restore(context, finding) {
    const now = await readUser(context, finding.id);
    if (!now) return { status: 'conflict', reason: 'the Okta user no longer exists (deleted since the run)' };
    if (now.status === 'ACTIVE') return { status: 'already-restored', detail: 'ACTIVE' };
    if (now.status !== 'SUSPENDED') return { status: 'conflict', reason: `Okta user ${now.profile.login} is ${now.status} now, not SUSPENDED` };
    await context.http.send('POST', `/api/v1/users/${finding.id}/lifecycle/unsuspend`);
    return { status: 'restored', detail: 'unsuspended' };
  },
};
