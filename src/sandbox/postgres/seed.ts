import pg from 'pg';

export interface SeededDatabase {
  /** A session held open by the departing role, as a forgotten psql would be. */
  session: pg.Client;
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Gives `role` what a departing engineer has in a database: login with a password, membership of
 * `analysts`, a table it owns, and an open session. `data_owner` will inherit the table.
 * Only for scratch servers: it creates roles and a table.
 */
export async function seedDepartingRole(adminUrl: string, role: string, password: string): Promise<SeededDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const sql = async <T>(text: string, values?: unknown[]) => (await admin.query(text, values as unknown[])).rows as T[];
  const id = (name: string) => admin.escapeIdentifier(name);
  for (const group of ['data_owner', 'analysts']) {
    if ((await sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [group])).length === 0) await sql(`CREATE ROLE ${id(group)} NOLOGIN`);
  }
  await sql(`CREATE ROLE ${id(role)} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
  await sql(`GRANT analysts TO ${id(role)}`);
  await sql(`CREATE TABLE IF NOT EXISTS ${id(`${role}_reports`)} (id int)`);
  await sql(`ALTER TABLE ${id(`${role}_reports`)} OWNER TO ${id(role)}`);
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  const session = new pg.Client({ connectionString: url.toString() });
  session.on('error', () => {});
  await session.connect();
  return {
    session,
    sql,
    close: async () => {
      await session.end().catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}
