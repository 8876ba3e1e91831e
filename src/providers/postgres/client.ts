import pg from 'pg';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext, Connection } from '../types.js';
import type { PostgresConfig } from './config.js';
import type { PostgresContext } from './kind.js';

/**
 * Connects with a connection string from `connectionStringEnv`, or the standard PG* variables of
 * the environment revoke was given. Errors never repeat the connection string (it holds the password).
 */
export async function connectPostgres(config: PostgresConfig, context: ConnectContext): Promise<Connection<PostgresContext>> {
  const { env, instance } = context;
  let connectionString: string | undefined;
  if (config.connectionStringEnv) {
    connectionString = env[config.connectionStringEnv];
    if (!connectionString) throw new InvalidInputError(`${config.connectionStringEnv} is not set (connection string of provider ${instance})`, `export ${config.connectionStringEnv}=postgres://user:password@host:5432/db`);
  }
  const settings = {
    ...(connectionString
      ? { connectionString }
      : {
          ...(env.PGHOST ? { host: env.PGHOST } : {}),
          ...(env.PGPORT ? { port: Number(env.PGPORT) } : {}),
          ...(env.PGUSER ? { user: env.PGUSER } : {}),
          ...(env.PGPASSWORD ? { password: env.PGPASSWORD } : {}),
          ...(env.PGDATABASE ? { database: env.PGDATABASE } : {}),
        }),
    ...(config.database ? { database: config.database } : {}),
    application_name: 'revoke',
    connectionTimeoutMillis: 10_000,
  };
  const client = new pg.Client(settings);
  // Discovery, presence and watch get their own connection on which every transaction is
  // READ ONLY: the server itself refuses any write sent on it (SQLSTATE 25006).
  const readOnlyClient = new pg.Client({ ...settings, options: '-c default_transaction_read_only=on' });
  try {
    await Promise.all([client.connect(), readOnlyClient.connect()]);
  } catch (error) {
    await Promise.all([client.end(), readOnlyClient.end()].map((p) => p.catch(() => undefined)));
    const code = (error as { code?: string }).code;
    const fix = code === '28P01' || code === '28000' ? 'check the user and password of the connection' : 'check the host, port and database of the connection (and that the server is up)';
    throw new InvalidInputError(`cannot connect to PostgreSQL for provider ${instance}: ${(error as Error).message}`, fix);
  }
  // A broken connection later surfaces as a failed query; do not let it crash the process.
  client.on('error', () => {});
  readOnlyClient.on('error', () => {});
  serializeQueries(client);
  serializeQueries(readOnlyClient);
  const { rows } = await client.query<{ me: string; db: string; host: string | null; port: number | null }>(
    'SELECT current_user AS me, current_database() AS db, host(inet_server_addr()) AS host, inet_server_port() AS port',
  );
  const me = rows[0]!;
  if (config.reassignTo) {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [config.reassignTo]);
    if (exists.rows.length === 0) {
      await Promise.all([client.end(), readOnlyClient.end()]);
      throw new InvalidInputError(`reassignTo role ${config.reassignTo} does not exist in ${me.db} (provider ${instance})`, 'create it, or name an existing role');
    }
  }
  return {
    client: { client, readOnlyClient, database: me.db, reassignTo: config.reassignTo, serverLogFile: config.serverLogFile },
    actor: `postgres:${me.me}@${me.host ?? 'local'}:${me.port ?? ''}/${me.db}`,
    selfUser: me.me,
  };
}

/**
 * One connection runs one query at a time, and pg deprecates queueing calls made while one is in
 * flight (a DeprecationWarning on stderr in pg 8, an error in pg 9). Discovery of several kinds,
 * and audits of several people, call concurrently: here they wait their turn.
 */
function serializeQueries(client: pg.Client): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  Object.assign(client, {
    query: (...args: unknown[]) => {
      const run = tail.then(() => query(...args));
      tail = run.catch(() => undefined);
      return run;
    },
  });
}
