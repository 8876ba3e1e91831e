import { Phase, type GoogleKind } from '../kind.js';
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
};
