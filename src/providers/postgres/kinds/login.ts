import type { Finding } from '../../types.js';
import { ident, isUndefinedRole, Phase, roleRow, type PostgresKind } from '../kind.js';
import { terminateSessions } from './sessions.js';

/**
 * The right to log in as a finding: what discovery reports and what containment fires first. Only
 * made for a role seen with LOGIN, so details.login is the prior state `revoke restore` puts back.
 * `endsSessions` (containment of a step that also lists sessions): its revocation terminates the
 * role's sessions in the same round trip, and details.endsSessions says so in the record.
 */
export const loginFinding = (role: string, { endsSessions = false } = {}): Finding => ({
  id: 'login',
  kind: 'login',
  label: `role ${role} can log in`,
  phase: Phase.Login,
  details: { login: true, ...(endsSessions ? { endsSessions: true } : {}) },
});

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
  async revoke(context, finding, { role }) {
    const nologin = context.client.query(`ALTER ROLE ${ident(context, role)} NOLOGIN`);
    // Pipelined right behind it, answered in the same round trip: the termination, which the
    // server runs only once NOLOGIN is committed (a failed NOLOGIN terminates nothing). Its count
    // goes to the sessions finding's outcome; if it fails, the sessions finding finds out itself.
    const ended = finding.details?.endsSessions === true ? terminateSessions(context, role, { onceNologin: true }).catch(() => 0) : undefined;
    try {
      await nologin;
    } catch (error) {
      await ended;
      if (isUndefinedRole(error)) return { status: 'already-gone' };
      throw error;
    }
    const count = (await ended) ?? 0;
    if (count === 0) return { status: 'revoked', detail: 'NOLOGIN' };
    context.terminatedWithLogin.set(role, (context.terminatedWithLogin.get(role) ?? 0) + count);
    // Said here too: should the run stop before the sessions finding, the record still shows them.
    return { status: 'revoked', detail: `NOLOGIN; ${count} session${count === 1 ? '' : 's'} terminated right behind it` };
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
