import { ident, isUndefinedRole, Phase, type PostgresContext, type PostgresKind } from '../kind.js';

/** What the role owns in this database (tables, views, sequences, schemas, functions), for the record. */
async function ownedBy(context: PostgresContext, role: string): Promise<string[]> {
  const { rows } = await context.client.query<{ what: string }>(
    `SELECT kind || ' ' || name AS what FROM (
       SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'S' THEN 'sequence' WHEN 'm' THEN 'materialized view' ELSE 'relation' END AS kind,
              n.nspname || '.' || c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = c.relowner
        WHERE r.rolname = $1 AND c.relkind IN ('r','v','S','m')
       UNION ALL
       SELECT 'schema', n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = $1
       UNION ALL
       SELECT 'function', n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = $1
     ) owned ORDER BY what`,
    [role],
  );
  return rows.map((r) => r.what);
}

/** Delete mode: hand what the role owns to `reassignTo`, drop its privileges, then drop the role. */
export const role: PostgresKind = {
  name: 'role',
  description: 'the role itself (delete mode): REASSIGN OWNED BY … TO reassignTo, DROP OWNED, DROP ROLE; the finding lists what it owns',
  permissions: ['CREATEROLE, and membership of both roles for REASSIGN OWNED (or superuser)'],
  reversible: false,
  async discover(context, { role: name, mode }) {
    if (mode !== 'delete') return [];
    const { rows } = await context.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    if (rows.length === 0) return [];
    const owned = await ownedBy(context, name);
    const shown = owned.slice(0, 10).join(', ') + (owned.length > 10 ? `, … (${owned.length - 10} more)` : '');
    return [
      {
        id: name,
        kind: 'role',
        label: `role ${name} itself${owned.length ? ` (owns ${owned.length}: ${shown}${context.reassignTo ? `; reassigned to ${context.reassignTo}` : ''})` : ''}`,
        phase: Phase.Role,
        details: { owned: owned.length, ...(owned.length ? { ownedObjects: owned.join(', ') } : {}) },
        ...(owned.length ? { warnings: [`${name} owns ${owned.length} object${owned.length === 1 ? '' : 's'} in ${context.database}${context.reassignTo ? `: they will belong to ${context.reassignTo}` : ': set reassignTo, or the drop fails'}`] } : {}),
      },
    ];
  },
  async revoke(context, finding, { role: name }) {
    const owned = Number(finding.details?.owned ?? 0);
    if (owned > 0 && !context.reassignTo) {
      throw new Error(`role ${name} owns ${owned} object${owned === 1 ? '' : 's'} in ${context.database}; set reassignTo: on the provider to hand them over before the role is dropped`);
    }
    try {
      if (context.reassignTo) await context.client.query(`REASSIGN OWNED BY ${ident(context, name)} TO ${ident(context, context.reassignTo)}`);
      await context.client.query(`DROP OWNED BY ${ident(context, name)}`);
      await context.client.query(`DROP ROLE ${ident(context, name)}`);
      return { status: 'revoked', detail: context.reassignTo ? `owned objects reassigned to ${context.reassignTo}; role dropped` : 'role dropped' };
    } catch (error) {
      if (isUndefinedRole(error)) return { status: 'already-gone' };
      throw error;
    }
  },
};
