import { ago } from '../../types.js';
import { Phase, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** Signs the person out of every web and device session (users.signOut). */
export const sessions: GoogleKind = {
  name: 'sessions',
  description: 'web and device sessions: signed out (users.signOut); Gmail may keep working for up to an hour',
  permissions: [Scope.userSecurity],
  reversible: false,
  async discover({ directory }, { user, recentMs }) {
    const { data } = await directory.users.get({ userKey: user, projection: 'basic' });
    // Sessions cannot be listed; a suspended user has none (suspension ends them).
    if (data.suspended) return [];
    const lastLogin = data.lastLoginTime ? new Date(data.lastLoginTime) : undefined;
    const used = lastLogin && lastLogin.getTime() > 0;
    return [
      {
        id: 'sign-out',
        kind: 'sessions',
        label: `every session of ${user} signed out${used ? ` (last login ${ago(lastLogin)})` : ''}; Gmail can lag up to an hour`,
        phase: Phase.Credentials,
        details: { lastLoginTime: used ? lastLogin.toISOString() : 'never' },
        ...(used && Date.now() - lastLogin.getTime() < recentMs ? { warnings: [`${user} signed in ${ago(lastLogin)}: they are likely active right now`] } : {}),
      },
    ];
  },
  async revoke({ directory, write }, _finding, { user }) {
    await write(() => directory.users.signOut({ userKey: user }));
    return { status: 'revoked', detail: 'signed out everywhere' };
  },
  notRestorable: () => ({ reason: 'signed-out sessions cannot be restored: the person signs in again' }),
};
