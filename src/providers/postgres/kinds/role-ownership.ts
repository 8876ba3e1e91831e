import { createHash } from 'node:crypto';
import type { PostgresContext } from '../kind.js';

/** What a role owns and the privileges granted to it, as pg_shdepend records them for the whole cluster. */
export interface Ownership {
  /** Every owned object of this database and every owned shared object (databases, tablespaces), described. */
  here: string[];
  /** Owned objects in the other databases of the cluster (not describable from this connection). */
  elsewhere: Array<{ database: string; objects: number }>;
  total: number;
  /** Objects of this database (and shared ones) on which the role holds privileges or is named by a policy: what DROP OWNED revokes. */
  privileges: number;
  /** The same in other databases, which DROP ROLE refuses to leave dangling. */
  privilegesElsewhere: number;
}

interface DependencyRow {
  here: boolean;
  database: string | null;
  owner: boolean;
  what: string | null;
}

/**
 * Reads pg_shdepend rather than a list of catalogs: `o` (owner) rows cover every object type
 * (large objects, types, domains, publications, foreign servers, partitioned tables…), and `a`,
 * `r`, `i` rows are the ACL entries, policies and initial privileges DROP OWNED revokes.
 */
export async function ownershipOf(context: PostgresContext, role: string): Promise<Ownership> {
  const { rows } = await context.client.query<DependencyRow>(
    `SELECT d.dbid = 0 OR db.datname = current_database() AS here,
            db.datname AS database,
            d.deptype = 'o' AS owner,
            CASE WHEN d.dbid = 0 OR db.datname = current_database()
                 THEN (SELECT o.type || ' ' || o.identity FROM pg_identify_object(d.classid, d.objid, d.objsubid) o) END AS what
       FROM pg_shdepend d
       LEFT JOIN pg_database db ON db.oid = d.dbid
      WHERE d.refclassid = 'pg_authid'::regclass
        AND d.refobjid = (SELECT oid FROM pg_roles WHERE rolname = $1)
        AND d.deptype IN ('o', 'a', 'r', 'i')`,
    [role],
  );
  const owned = rows.filter((r) => r.owner);
  const here = owned.filter((r) => r.here).map((r) => r.what ?? 'object').sort();
  const byDatabase = new Map<string, number>();
  for (const row of owned.filter((r) => !r.here)) byDatabase.set(row.database ?? '?', (byDatabase.get(row.database ?? '?') ?? 0) + 1);
  const elsewhere = [...byDatabase].sort(([a], [b]) => a.localeCompare(b)).map(([database, objects]) => ({ database, objects }));
  const granted = rows.filter((r) => !r.owner);
  return {
    here,
    elsewhere,
    total: owned.length,
    privileges: granted.filter((r) => r.here).length,
    privilegesElsewhere: granted.filter((r) => !r.here).length,
  };
}

/** "3 objects in postgres (table public.t, large object 16390, type public.mood) and 1 object in database other". */
export function ownershipSummary(ownership: Ownership, database: string, limit = 10): string {
  const parts: string[] = [];
  if (ownership.here.length > 0) {
    const listed = ownership.here.slice(0, limit).join(', ') + (ownership.here.length > limit ? `, … (${ownership.here.length - limit} more)` : '');
    parts.push(`${ownership.here.length} object${ownership.here.length === 1 ? '' : 's'} in ${database} (${listed})`);
  }
  for (const { database, objects } of ownership.elsewhere) parts.push(`${objects} object${objects === 1 ? '' : 's'} in database ${database}`);
  return parts.join(' and ');
}

/** A fingerprint of exactly what is owned, so revoke time can tell "the same objects" from "as many objects". */
export function ownershipDigest(ownership: Ownership): string {
  const lines = [...ownership.here, ...ownership.elsewhere.map((e) => `${e.database}\u0000${e.objects}`)];
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
