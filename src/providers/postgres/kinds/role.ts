import { InvalidInputError } from '../../../errors.js';
import { ident, isUndefinedRole, Phase, type PostgresContext, type PostgresKind } from '../kind.js';
import { ownershipDigest, ownershipOf, ownershipSummary, type Ownership } from './role-ownership.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What DROP OWNED would destroy without `reassignTo`: refused, whatever the phase (discovery or revoke). */
function refuseUnreassigned(context: PostgresContext, name: string, ownership: Ownership): never {
  throw new InvalidInputError(
    `role ${name} owns ${ownershipSummary(ownership, context.database)}; DROP OWNED would delete ${ownership.total === 1 ? 'it' : 'them'} (large object data included)`,
    `set reassignTo: on the postgres provider to hand ${ownership.total === 1 ? 'it' : 'them'} over to another role in ${context.database}, or reassign ${ownership.total === 1 ? 'it' : 'them'} yourself first`,
  );
}

/** What the role owns; refused (exit 2) when it owns anything and there is no `reassignTo`: a guard discovery and containment share. */
export async function ownershipRefusingUnreassigned(context: PostgresContext, name: string): Promise<Ownership> {
  const ownership = await ownershipOf(context, name);
  if (ownership.total > 0 && !context.reassignTo) refuseUnreassigned(context, name, ownership);
  return ownership;
}

/**
 * Delete mode: hand what the role owns to `reassignTo`, drop its privileges, then drop the role.
 * Ownership is counted from pg_shdepend (every object type, every database of the cluster), so
 * nothing the plan did not list can be destroyed by DROP OWNED.
 */
export const role: PostgresKind = {
  name: 'role',
  description: 'the role itself (delete mode): REASSIGN OWNED BY … TO reassignTo, DROP OWNED, DROP ROLE in one transaction; the finding lists every object it owns and the privileges granted to it',
  permissions: ['CREATEROLE (revoke grants itself the departing role inside the drop transaction), and membership of the reassignTo role (or superuser)'],
  reversible: false,
  async discover(context, { role: name, mode }) {
    if (mode !== 'delete') return [];
    const { rows } = await context.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    if (rows.length === 0) return [];
    const ownership = await ownershipRefusingUnreassigned(context, name);
    const shown = ownership.here.slice(0, 10).join(', ') + (ownership.here.length > 10 ? `, … (${ownership.here.length - 10} more)` : '');
    const elsewhere = ownership.elsewhere.map((e) => `${plural(e.objects, 'object')} in database ${e.database}`);
    const warnings = [
      ...(ownership.total > 0 ? [`${name} owns ${ownershipSummary(ownership, context.database)}: they will belong to ${context.reassignTo}`] : []),
      ...(elsewhere.length > 0 ? [`${name} owns ${elsewhere.join(', ')}: REASSIGN OWNED here cannot reach ${ownership.elsewhere.length === 1 ? 'it' : 'them'}, so DROP ROLE will fail and the transaction roll back; revoke there first`] : []),
      ...(ownership.privilegesElsewhere > 0 ? [`${name} holds privileges on ${plural(ownership.privilegesElsewhere, 'object')} in other databases: DROP ROLE will fail until they are revoked there`] : []),
    ];
    const owns = ownership.total > 0 ? `owns ${ownership.total}: ${[shown, ...elsewhere].filter(Boolean).join(', ')}; reassigned to ${context.reassignTo}` : '';
    const holds = ownership.privileges > 0 ? `its privileges on ${plural(ownership.privileges, 'object')} revoked` : '';
    return [
      {
        id: name,
        kind: 'role',
        label: `role ${name} itself${owns || holds ? ` (${[owns, holds].filter(Boolean).join('; ')})` : ''}`,
        phase: Phase.Role,
        details: {
          owned: ownership.total,
          privileges: ownership.privileges,
          ...(ownership.here.length ? { ownedObjects: ownership.here.join(', ') } : {}),
          ...(elsewhere.length ? { ownedElsewhere: elsewhere.join(', ') } : {}),
        },
        ...(warnings.length ? { warnings } : {}),
        ...(ownership.total > 0 ? { fingerprint: ownershipDigest(ownership) } : {}),
      },
    ];
  },
  async revoke(context, finding, { role: name }) {
    const { client } = context;
    await client.query('BEGIN');
    try {
      // Re-checked inside the transaction: what the role owns now, not what it owned at review.
      const ownership = await ownershipOf(context, name);
      if (ownership.total > 0 && !context.reassignTo) refuseUnreassigned(context, name, ownership);
      const shown = Number(finding.details?.owned ?? 0);
      if (ownership.total > 0 && ownershipDigest(ownership) !== finding.fingerprint) {
        throw new InvalidInputError(
          `role ${name} now owns ${ownershipSummary(ownership, context.database)}, not the ${shown} object${shown === 1 ? '' : 's'} the plan showed`,
          'run revoke again to review what it owns now',
        );
      }
      // REASSIGN/DROP OWNED need membership of the role; a CREATEROLE operator (not superuser) may
      // grant it to itself. Inside this transaction: it ends with the role, or rolls back with it.
      await client.query(`GRANT ${ident(context, name)} TO CURRENT_USER`);
      if (context.reassignTo) await client.query(`REASSIGN OWNED BY ${ident(context, name)} TO ${ident(context, context.reassignTo)}`);
      await client.query(`DROP OWNED BY ${ident(context, name)}`);
      await client.query(`DROP ROLE ${ident(context, name)}`);
      await client.query('COMMIT');
      return { status: 'revoked', detail: context.reassignTo && ownership.total > 0 ? `${plural(ownership.total, 'owned object')} reassigned to ${context.reassignTo}; role dropped` : 'role dropped' };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isUndefinedRole(error)) return { status: 'already-gone' };
      throw error;
    }
  },
  notRestorable: (finding) => ({
    reason: `the role was dropped${Number(finding.details?.owned ?? 0) > 0 ? ' (what it owned now belongs to the reassignTo role)' : ''}`,
    instead: `CREATE ROLE "${finding.id.replace(/"/g, '""')}" LOGIN PASSWORD '<a new password>'`,
    identityRemoved: true,
  }),
};
