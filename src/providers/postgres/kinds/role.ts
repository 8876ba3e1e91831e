import { InvalidInputError } from '../../../errors.js';
import { ident, inTransaction, isUndefinedRole, Phase, roleRow, type PostgresContext, type PostgresKind } from '../kind.js';
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
  // Only a delete without reassignTo can be refused (what the role owns would be destroyed).
  mayRefuse: (context, { mode }) => mode === 'delete' && !context.reassignTo,
  description: 'the role itself (delete mode): REASSIGN OWNED BY … TO reassignTo, DROP OWNED, DROP ROLE in one transaction; the finding lists every object it owns and the privileges granted to it',
  permissions: ['CREATEROLE (revoke grants itself the departing role inside the drop transaction), and membership of the reassignTo role (or superuser)'],
  reversible: false,
  async discover(context, { role: name, mode }) {
    if (mode !== 'delete') return [];
    // Both reads at once (one round trip): what a role that does not exist owns is nothing.
    const [row, ownership] = await Promise.all([roleRow(context, name), ownershipRefusingUnreassigned(context, name)]);
    if (!row) return [];
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
    // Alone on the connection: nothing another step sends can land inside this transaction.
    return inTransaction(context, async (tx) => {
      const { client } = tx;
      // BEGIN and the re-check pipelined (one round trip): what the role owns now, inside the
      // transaction, not what it owned at review.
      const begun = client.query('BEGIN');
      const owned = ownershipOf(tx, name);
      try {
        await begun;
        const ownership = await owned;
        if (ownership.total > 0 && !tx.reassignTo) refuseUnreassigned(tx, name, ownership);
        const shown = Number(finding.details?.owned ?? 0);
        if (ownership.total > 0 && ownershipDigest(ownership) !== finding.fingerprint) {
          throw new InvalidInputError(
            `role ${name} now owns ${ownershipSummary(ownership, tx.database)}, not the ${shown} object${shown === 1 ? '' : 's'} the plan showed`,
            'run revoke again to review what it owns now',
          );
        }
        // The rest as one simple query (one round trip): the server runs the statements in order
        // and stops at the first error, which leaves the transaction to roll back below.
        // REASSIGN/DROP OWNED need membership of the role; a CREATEROLE operator (not superuser)
        // may grant it to itself. Inside this transaction: it ends with the role, or rolls back with it.
        const role = ident(tx, name);
        await client.query(
          [`GRANT ${role} TO CURRENT_USER`, ...(tx.reassignTo ? [`REASSIGN OWNED BY ${role} TO ${ident(tx, tx.reassignTo)}`] : []), `DROP OWNED BY ${role}`, `DROP ROLE ${role}`, 'COMMIT'].join('; '),
        );
        return { status: 'revoked', detail: tx.reassignTo && ownership.total > 0 ? `${plural(ownership.total, 'owned object')} reassigned to ${tx.reassignTo}; role dropped` : 'role dropped' };
      } catch (error) {
        await owned.catch(() => undefined);
        await client.query('ROLLBACK').catch(() => undefined);
        if (isUndefinedRole(error)) return { status: 'already-gone' };
        throw error;
      }
    });
  },
  notRestorable: (finding) => ({
    reason: `the role was dropped${Number(finding.details?.owned ?? 0) > 0 ? ' (what it owned now belongs to the reassignTo role)' : ''}`,
    instead: `CREATE ROLE "${finding.id.replace(/"/g, '""')}" LOGIN PASSWORD '<a new password>'`,
    identityRemoved: true,
  }),
};
