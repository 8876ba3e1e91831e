import { randomBytes } from 'node:crypto';
import { Phase, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** A password nobody knows: 48 random bytes, base64url; never printed, logged or stored. */
const unknownPassword = () => randomBytes(48).toString('base64url');

/**
 * Replaces the password with a long random one and forces a change at next login. A user
 * already forced to change at next login counts as done (a second run finds nothing).
 */
export const password: GoogleKind = {
  name: 'password',
  description: 'password: replaced by a long random one nobody sees, change forced at next login (users.update)',
  permissions: [Scope.user],
  reversible: false,
  async discover({ directory }, { user }) {
    const { data } = await directory.users.get({ userKey: user, projection: 'basic' });
    if (data.changePasswordAtNextLogin) return [];
    return [
      {
        id: 'password',
        kind: 'password',
        label: `password of ${user} replaced by a random one (change forced at next login)`,
        phase: Phase.Lock,
        details: { wasChangePasswordAtNextLogin: false },
      },
    ];
  },
  async revoke({ directory, write }, _finding, { user }) {
    await write(() => directory.users.update({ userKey: user, requestBody: { password: unknownPassword(), changePasswordAtNextLogin: true } }));
    return { status: 'revoked', detail: 'password replaced' };
  },
  notRestorable: () => ({ reason: 'the replaced password cannot be restored (only Google had it)', instead: 'set a new password with change at next sign-in: gam update user <email> password random changepassword on' }),
};
