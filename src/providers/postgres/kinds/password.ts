import { ident, isUndefinedRole, Phase, type PostgresKind } from '../kind.js';

export const password: PostgresKind = {
  name: 'password',
  description: "the role's password: PASSWORD NULL (delete mode; disable mode leaves it, NOLOGIN is enough)",
  permissions: ['CREATEROLE; reading pg_authid needs superuser (without it the password is assumed set)'],
  reversible: false,
  async discover(context, { role, mode }) {
    if (mode === 'disable') return [];
    let hasPassword: boolean | undefined;
    try {
      const { rows } = await context.client.query<{ has: boolean }>('SELECT rolpassword IS NOT NULL AS has FROM pg_authid WHERE rolname = $1', [role]);
      if (rows.length === 0) return [];
      hasPassword = rows[0]!.has;
    } catch {
      hasPassword = undefined; // not allowed to read pg_authid: clear it anyway
    }
    if (hasPassword === false) return [];
    return [{ id: 'password', kind: 'password', label: hasPassword ? `password of ${role}` : `password of ${role} (cannot check; will be cleared)`, phase: Phase.Grants }];
  },
  async revoke(context, _finding, { role }) {
    try {
      await context.client.query(`ALTER ROLE ${ident(context, role)} PASSWORD NULL`);
      return { status: 'revoked', detail: 'password cleared' };
    } catch (error) {
      if (isUndefinedRole(error)) return { status: 'already-gone' };
      throw error;
    }
  },
  notRestorable: (_finding, { role }) => ({ reason: 'a cleared password cannot be restored (only its hash was stored)', instead: `ALTER ROLE "${role.replace(/"/g, '""')}" PASSWORD '<a new password>'` }),
};
