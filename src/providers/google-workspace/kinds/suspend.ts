import { Phase, statusOf, type GoogleContext, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** Suspends the user (reversible: users.update suspended=false undoes it). */
export const suspend: GoogleKind = {
  name: 'suspend',
  description: 'the account: suspended (reversible; every sign-in and session refused)',
  permissions: [Scope.user],
  reversible: true,
  async discover({ directory }, { user }) {
    const { data } = await directory.users.get({ userKey: user, projection: 'basic' });
    if (data.suspended) return [];
    return [{ id: 'suspend', kind: 'suspend', label: `${user} suspended`, phase: Phase.Suspend, details: { wasSuspended: false } }];
  },
  async revoke({ directory, write }, _finding, { user }) {
    await write(() => directory.users.update({ userKey: user, requestBody: { suspended: true } }));
    return { status: 'revoked', detail: 'suspended' };
  },

  // `revoke restore`: unsuspended, unless it was suspended before the run (details.wasSuspended).
  async planRestore({ directory }, finding, { user }) {
    if (finding.details?.wasSuspended === true) return { action: 'keep', reason: `${user} was suspended before the run` };
    const now = await suspendedNow(directory, user);
    if (now === undefined) return { action: 'conflict', reason: `${user} no longer exists (deleted since the run)` };
    return { action: 'restore', what: now ? `unsuspend ${user}` : `${user} is not suspended already` };
  },
  async restore({ directory, write }, _finding, { user }) {
    const now = await suspendedNow(directory, user);
    if (now === undefined) return { status: 'conflict', reason: `${user} no longer exists (deleted since the run)` };
    if (!now) return { status: 'already-restored', detail: 'not suspended' };
    await write(() => directory.users.update({ userKey: user, requestBody: { suspended: false } }));
    return { status: 'restored', detail: 'unsuspended' };
  },
};

async function suspendedNow(directory: GoogleContext['directory'], user: string): Promise<boolean | undefined> {
  try {
    return Boolean((await directory.users.get({ userKey: user, projection: 'basic' })).data.suspended);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
