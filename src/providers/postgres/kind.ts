import type { Client } from 'pg';
import type { ProviderKind } from '../define.js';

export interface PostgresContext {
  /** Sends anything in revoke; in discovery, presence and watch the read-only connection. */
  client: Client;
  /** A second connection whose transactions are all READ ONLY (default_transaction_read_only). */
  readOnlyClient?: Client;
  database: string;
  reassignTo: string | undefined;
  serverLogFile: string | undefined;
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

export async function roleRow(context: PostgresContext, role: string): Promise<{ rolcanlogin: boolean; rolsuper: boolean } | undefined> {
  const { rows } = await context.client.query<{ rolcanlogin: boolean; rolsuper: boolean }>('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [role]);
  return rows[0];
}
