import type { Client } from 'pg';
import type { Finding, RevokeKind, RevokeOutcome } from '../types.js';

export interface PostgresContext {
  client: Client;
  database: string;
  reassignTo: string | undefined;
  serverLogFile: string | undefined;
}

export interface PostgresRequest {
  role: string;
  mode: 'disable' | 'delete';
  allowSuperuser: boolean;
}

export interface PostgresKind extends RevokeKind {
  discover(context: PostgresContext, request: PostgresRequest): Promise<Finding[]>;
  revoke(context: PostgresContext, finding: Finding, request: PostgresRequest): Promise<RevokeOutcome>;
}

/** NOLOGIN first so a killed client cannot reconnect; then sessions; then the rest; the role last. */
export const Phase = { Login: 0, Sessions: 1, Grants: 2, Role: 3 } as const;

/** A quoted identifier, escaped by the driver: never concatenated from raw input. */
export const ident = (context: PostgresContext, name: string) => context.client.escapeIdentifier(name);

export const isUndefinedRole = (error: unknown) => (error as { code?: string }).code === '42704';

export async function roleRow(context: PostgresContext, role: string): Promise<{ rolcanlogin: boolean; rolsuper: boolean } | undefined> {
  const { rows } = await context.client.query<{ rolcanlogin: boolean; rolsuper: boolean }>('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [role]);
  return rows[0];
}
