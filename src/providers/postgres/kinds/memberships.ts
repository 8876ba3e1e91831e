import { ident, isUndefinedRole, Phase, type PostgresContext, type PostgresKind } from '../kind.js';

const groupsOf = async (context: PostgresContext, role: string) =>
  (
    await context.client.query<{ rolname: string }>(
      'SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 ORDER BY g.rolname',
      [role],
    )
  ).rows.map((r) => r.rolname);

export const memberships: PostgresKind = {
  name: 'memberships',
  description: 'membership of other roles: each REVOKEd (delete mode; disable mode leaves them)',
  permissions: ['ADMIN OPTION on the granted roles, or CREATEROLE'],
  reversible: true,
  async discover(context, { role, mode }) {
    if (mode === 'disable') return [];
    return (await groupsOf(context, role)).map((group) => ({ id: group, kind: 'memberships', label: `member of role ${group}`, phase: Phase.Grants }));
  },
  async revoke(context, finding, { role }) {
    // REVOKE of a membership that is not there only warns: the check, pipelined right before it
    // (one round trip for both), says whether it was there, so "already gone" is true.
    const wasMember = groupsOf(context, role).then((groups) => groups.includes(finding.id));
    wasMember.catch(() => undefined);
    try {
      await context.client.query(`REVOKE ${ident(context, finding.id)} FROM ${ident(context, role)}`);
      return (await wasMember) ? { status: 'revoked' } : { status: 'already-gone' };
    } catch (error) {
      if (isUndefinedRole(error)) return { status: 'already-gone' };
      throw error;
    }
  },

  // `revoke restore`: GRANT the role back, if both roles still exist.
  async planRestore(context, finding, { role }) {
    const missing = await missingRole(context, [role, finding.id]);
    if (missing) return { action: 'conflict', reason: `role ${missing} no longer exists` };
    return { action: 'restore', what: (await groupsOf(context, role)).includes(finding.id) ? `member of ${finding.id} already` : `GRANT ${finding.id} TO ${role}` };
  },
  async restore(context, finding, { role }) {
    const missing = await missingRole(context, [role, finding.id]);
    if (missing) return { status: 'conflict', reason: `role ${missing} no longer exists` };
    if ((await groupsOf(context, role)).includes(finding.id)) return { status: 'already-restored' };
    await context.client.query(`GRANT ${ident(context, finding.id)} TO ${ident(context, role)}`);
    return { status: 'restored', detail: `GRANT ${finding.id}` };
  },
};

async function missingRole(context: PostgresContext, roles: string[]): Promise<string | undefined> {
  const { rows } = await context.client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [roles]);
  return roles.find((r) => !rows.some((row) => row.rolname === r));
}
