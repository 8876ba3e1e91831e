import type { Finding } from '../../types.js';
import { ident, isUndefinedRole, Phase, roleRow, type PostgresKind } from '../kind.js';

/** The right to log in as a finding: what discovery reports and what containment fires first. */
export const loginFinding = (role: string): Finding => ({ id: 'login', kind: 'login', label: `role ${role} can log in`, phase: Phase.Login });

export const login: PostgresKind = {
  name: 'login',
  description: 'the right to log in: ALTER ROLE … NOLOGIN (reversible), first, so killed sessions cannot come back',
  permissions: ['CREATEROLE (or superuser to change a superuser)'],
  reversible: true,
  async discover(context, { role }) {
    const row = await roleRow(context, role);
    return row?.rolcanlogin ? [loginFinding(role)] : [];
  },
  async revoke(context, _finding, { role }) {
    try {
      await context.client.query(`ALTER ROLE ${ident(context, role)} NOLOGIN`);
      return { status: 'revoked', detail: 'NOLOGIN' };
    } catch (error) {
      if (isUndefinedRole(error)) return { status: 'already-gone' };
      throw error;
    }
  },
};
