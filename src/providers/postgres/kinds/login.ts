import type { Finding } from '../../types.js';
import { ident, isUndefinedRole, Phase, roleRow, type PostgresKind } from '../kind.js';

/**
 * The right to log in as a finding: what discovery reports and what containment fires first. Only
 * made for a role seen with LOGIN, so details.login is the prior state `revoke restore` puts back.
 */
export const loginFinding = (role: string): Finding => ({ id: 'login', kind: 'login', label: `role ${role} can log in`, phase: Phase.Login, details: { login: true } });

export const login: PostgresKind = {
  name: 'login',
  description: 'the right to log in: ALTER ROLE … NOLOGIN (reversible), first, so killed sessions cannot come back',
  permissions: ['CREATEROLE (or superuser to change a superuser)'],
  reversible: true,
  async discover(context, { role }) {
    const row = await roleRow(context, role);
    // A NOLOGIN role is no finding (and stays NOLOGIN after `revoke restore`).
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

  // `revoke restore`: LOGIN again, if the role still exists and could log in before the run.
  async planRestore(context, finding, { role }) {
    if (finding.details?.login === false) return { action: 'keep', reason: `role ${role} was NOLOGIN before the run` };
    const row = await roleRow(context, role);
    if (!row) return { action: 'conflict', reason: `role ${role} no longer exists (dropped since the run)` };
    return { action: 'restore', what: row.rolcanlogin ? `role ${role} can log in already` : `ALTER ROLE ${role} LOGIN` };
  },
  async restore(context, _finding, { role }) {
    const row = await roleRow(context, role);
    if (!row) return { status: 'conflict', reason: `role ${role} no longer exists (dropped since the run)` };
    if (row.rolcanlogin) return { status: 'already-restored', detail: 'LOGIN' };
    try {
      await context.client.query(`ALTER ROLE ${ident(context, role)} LOGIN`);
      return { status: 'restored', detail: 'LOGIN' };
    } catch (error) {
      if (isUndefinedRole(error)) return { status: 'conflict', reason: `role ${role} no longer exists (dropped since the run)` };
      throw error;
    }
  },
};
