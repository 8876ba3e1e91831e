import type { Client } from 'pg';
import type { ProviderKind } from '../define.js';
import { withCachedReads } from '../read-cache.js';

/** The connected (revoke) client: pipelined, and able to run a transaction nothing else slips into. */
export type TransactionalClient = Client & {
  /** Runs `run` as the connection's only user: queries issued meanwhile by others wait until it ends. */
  inTransaction<T>(run: (tx: Client) => Promise<T>): Promise<T>;
};

export interface PostgresContext {
  /** Sends anything in revoke; in discovery, presence and watch the read-only connection. */
  client: Client;
  /** A second connection whose transactions are all READ ONLY (default_transaction_read_only). */
  readOnlyClient?: Client;
  database: string;
  reassignTo: string | undefined;
  serverLogFile: string | undefined;
  /**
   * Sessions the login kind terminated in NOLOGIN's round trip (contain first), per role, until
   * the sessions kind, which owns them, reports them in its own outcome.
   */
  terminatedWithLogin: Map<string, number>;
  /** The run's read cache on the read-only connection, begun by connect with the run's people (ConnectContext.users). */
  readCache?: Client;
}

export interface PostgresRequest {
  role: string;
  mode: 'disable' | 'delete';
  allowSuperuser: boolean;
}

export type PostgresKind = ProviderKind<PostgresContext, PostgresRequest>;

/** NOLOGIN first so a killed client cannot reconnect; then sessions; then the rest; the role last. */
export const Phase = { Login: 0, Sessions: 1, Grants: 2, Role: 3 } as const;

/** A quoted identifier, escaped by the driver: never concatenated from raw input. */
export const ident = (context: PostgresContext, name: string) => context.client.escapeIdentifier(name);

export const isUndefinedRole = (error: unknown) => (error as { code?: string }).code === '42704';

/**
 * Runs `run` in a transaction alone on the connection (see TransactionalClient), with a context
 * whose client is the transaction's. A client without transactions of its own (a test's, the
 * read-only one) runs it directly.
 */
export function inTransaction<T>(context: PostgresContext, run: (tx: PostgresContext) => Promise<T>): Promise<T> {
  const { client } = context;
  if (!('inTransaction' in client)) return run(context);
  return (client as TransactionalClient).inTransaction((tx) => run({ ...context, client: tx }));
}

export interface RoleRow {
  rolcanlogin: boolean;
  rolsuper: boolean;
}

export function roleRow(context: PostgresContext, role: string): Promise<RoleRow | undefined> {
  return readRoleRow(context.client, role);
}

/** The role's row as the guard, containment and every kind read it: one statement text, so one read-cache entry. */
export async function readRoleRow(client: Client, role: string): Promise<RoleRow | undefined> {
  const { rows } = await client.query<RoleRow>('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [role]);
  return rows[0];
}

/** A view of the read-only connection on which identical SELECTs are sent once per run (see withCachedReads). */
export function cachedPostgresReads(readOnlyClient: Client): Client {
  return withCachedReads(readOnlyClient, (method, [text]) => method === 'query' && typeof text === 'string' && /^\s*SELECT\b/i.test(text));
}
