import pg from 'pg';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext, Connection } from '../types.js';
import type { PostgresConfig } from './config.js';
import { cachedPostgresReads, readRoleRow, type PostgresContext, type TransactionalClient } from './kind.js';

/**
 * Connects with a connection string from `connectionStringEnv`, or the standard PG* variables of
 * the environment revoke was given. Errors never repeat the connection string (it holds the password).
 *
 * Both connections run in pg's pipeline mode: queries issued together go out together and are
 * answered in order, each with its own result or error (its own Sync), so reads that do not wait
 * on each other cost one round trip between them instead of one each.
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
    pipeline: true,
  };
  const client = new pg.Client(settings);
  // Discovery, presence and watch get their own connection on which every transaction is
  // READ ONLY: the server itself refuses any write sent on it (SQLSTATE 25006).
  const readOnlyClient = new pg.Client({ ...settings, options: '-c default_transaction_read_only=on' });
  const closeBoth = () => Promise.all([client.end(), readOnlyClient.end()].map((p) => p.catch(() => undefined)));
  // Queued now, sent the moment the connection is ready (pipeline mode): who revoke is, where, and
  // whether reassignTo exists, in one round trip.
  const identity = client.query<{ me: string; db: string; host: string | null; port: number | null; reassign_exists: boolean }>(
    `SELECT current_user AS me, current_database() AS db, host(inet_server_addr()) AS host, inet_server_port() AS port,
            $1::text IS NULL OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1::text) AS reassign_exists`,
    [config.reassignTo ?? null],
  );
  identity.catch(() => undefined);
  // A run's people: their role rows (what containment's guard and every kind read first) are
  // queued now on the read-only connection, so they go out with the identity question instead of
  // a round trip after it, into the read cache the run's containment and discovery use.
  const readCache = context.users ? cachedPostgresReads(readOnlyClient) : undefined;
  for (const user of readCache ? (context.users ?? []) : []) readRoleRow(readCache!, user).catch(() => undefined);
  try {
    await Promise.all([client.connect(), readOnlyClient.connect()]);
  } catch (error) {
    await closeBoth();
    const message = (error as Error).message;
    if (/unsupported startup parameter: options/i.test(message)) {
      // PgBouncer (and poolers like it) refuse the startup option that makes discovery's
      // connection read-only. Dropping it (ignore_startup_parameters) would quietly give discovery
      // a connection that can write, and in transaction pooling a SET would not hold either.
      throw new InvalidInputError(
        `cannot connect to PostgreSQL for provider ${instance}: the server refused the startup parameter "options" (a connection pooler such as PgBouncer answers this way); revoke needs it to make discovery's connection read-only (default_transaction_read_only)`,
        'point the connection string at PostgreSQL itself, not at the pooler (role changes and session terminations are made on the server anyway); adding options to the pooler\'s ignore_startup_parameters would silently drop the read-only guarantee',
      );
    }
    const code = (error as { code?: string }).code;
    const fix = code === '28P01' || code === '28000' ? 'check the user and password of the connection' : 'check the host, port and database of the connection (and that the server is up)';
    throw new InvalidInputError(`cannot connect to PostgreSQL for provider ${instance}: ${message}`, fix);
  }
  // A broken connection later surfaces as a failed query; do not let it crash the process.
  client.on('error', () => {});
  readOnlyClient.on('error', () => {});
  let me: Awaited<typeof identity>['rows'][number];
  try {
    me = (await identity).rows[0]!;
  } catch (error) {
    await closeBoth();
    throw error;
  }
  if (!me.reassign_exists) {
    await closeBoth();
    throw new InvalidInputError(`reassignTo role ${config.reassignTo} does not exist in ${me.db} (provider ${instance})`, 'create it, or name an existing role');
  }
  return {
    client: {
      client: withTransactionsAlone(client),
      readOnlyClient,
      database: me.db,
      reassignTo: config.reassignTo,
      serverLogFile: config.serverLogFile,
      terminatedWithLogin: new Map(),
      ...(readCache ? { readCache } : {}),
    },
    actor: `postgres:${me.me}@${me.host ?? 'local'}:${me.port ?? ''}/${me.db}`,
    selfUser: me.me,
  };
}

/**
 * A pipelined connection would slip any query issued while a transaction is open into that
 * transaction (and roll it back with it). Here `BEGIN` holds the connection: queries issued by
 * anyone else wait until the COMMIT or ROLLBACK that ends it has answered. The transaction's own
 * statements go through `inTransaction`, which passes them straight on.
 */
function withTransactionsAlone(client: pg.Client): TransactionalClient {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let open: Promise<void> | undefined;
  const queryWhenFree = (...args: unknown[]): Promise<unknown> => (open ? open.then(() => queryWhenFree(...args)) : query(...args));
  const inTransaction = async <T>(run: (tx: pg.Client) => Promise<T>): Promise<T> => {
    while (open) await open;
    let end!: () => void;
    open = new Promise((resolve) => (end = resolve));
    // The transaction's view: the same connection, its queries never held back.
    const tx = new Proxy(client, { get: (target, property, receiver) => (property === 'query' ? query : Reflect.get(target, property, receiver)) });
    try {
      return await run(tx);
    } finally {
      open = undefined;
      end();
    }
  };
  const transactional: TransactionalClient = Object.assign(client, { query: queryWhenFree as pg.Client['query'], inTransaction });
  return transactional;
}
