import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { InvalidInputError } from '../../errors.js';
import { removeWithKinds } from '../canary-removal.js';
import type { Canary, CanaryRequest, CleanupLeftover } from '../drill-hooks.js';
import type { PostgresContext, PostgresRequest } from './kind.js';
import { ident } from './kind.js';
import { postgresKinds } from './kinds/index.js';

/** How a drill marks the roles it creates: this role comment. Any other role of the canary's name is refused. */
export const CANARY_COMMENT = 'revoke drill canary: created by `revoke drill`, removed when the drill ends';

/** What the postgres probes need: where to log in and as whom, and the canary's open session. */
export interface PostgresProbeSecret {
  login: pg.ClientConfig;
  session: pg.Client;
}

/**
 * The canary in PostgreSQL: a LOGIN role with a random password, marked by its comment, and one
 * open session of it. Credentials: a new login with the password, and a query on the open session.
 */
export async function createPostgresCanary(context: PostgresContext, request: CanaryRequest): Promise<Canary> {
  const { client } = context;
  const role = request.user;
  await refuseOrRemoveExisting(context, role);
  const password = randomBytes(24).toString('base64url');
  const login: pg.ClientConfig = { host: client.host, port: client.port, database: context.database, user: role, password, application_name: 'revoke-drill-canary', connectionTimeoutMillis: 10_000 };
  const session = new pg.Client(login);
  session.on('error', () => {}); // a terminated session is what the drill waits for, not a crash
  const cleanup = () => removePostgresCanary(context, role, session);
  try {
    // The password is sent once, as a literal escaped by the driver; it is never logged by revoke.
    await client.query(`CREATE ROLE ${ident(context, role)} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    await client.query(`COMMENT ON ROLE ${ident(context, role)} IS ${client.escapeLiteral(CANARY_COMMENT)}`);
    await session.connect();
  } catch (error) {
    await cleanup();
    throw new Error(`creating the canary role ${role} in ${context.database}: ${(error as Error).message}`);
  }
  const secret: PostgresProbeSecret = { login, session };
  return {
    identity: `role ${role} in ${context.database}`,
    createdByDrill: true,
    credentials: [
      { name: 'login', label: `password login of role ${role}`, secret },
      { name: 'open-session', label: `open session of role ${role}`, secret },
    ],
    cleanup,
  };
}

async function refuseOrRemoveExisting(context: PostgresContext, role: string): Promise<void> {
  const { rows } = await context.client.query<{ comment: string | null }>("SELECT shobj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = $1", [role]);
  if (rows.length === 0) return;
  if (rows[0]!.comment !== CANARY_COMMENT) {
    throw new InvalidInputError(
      `role ${role} already exists in ${context.database} and was not made by revoke drill (its comment is not the drill's mark); nothing was changed`,
      'pick a --canary name that does not exist: the drill creates the canary itself and drops it afterwards',
    );
  }
  const { leftovers } = await removePostgresCanary(context, role, undefined);
  if (leftovers.length > 0) throw new Error(`could not remove the previous drill's canary role ${role}: ${leftovers.map((l) => l.what).join(', ')}`);
}

/** Closes the canary's session and drops the role with the provider's kinds in delete mode. Never throws. */
async function removePostgresCanary(context: PostgresContext, role: string, session: pg.Client | undefined): Promise<{ removed: string[]; leftovers: CleanupLeftover[] }> {
  await session?.end().catch(() => undefined);
  const request: PostgresRequest = { role, mode: 'delete', allowSuperuser: false };
  let removed: string[] = [];
  let problem: string | undefined;
  try {
    removed = await removeWithKinds(postgresKinds, context, request);
  } catch (error) {
    problem = (error as Error).message;
  }
  const { rows } = await context.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]).catch(() => ({ rows: [1] }));
  const leftovers = rows.length > 0 ? [{ what: `role ${role} in ${context.database}${problem ? ` (${problem})` : ''}`, command: `psql -c 'DROP ROLE ${ident(context, role).replace(/'/g, `'\\''`)}'   # after ending its sessions: SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '…'` }] : [];
  return { removed, leftovers };
}
