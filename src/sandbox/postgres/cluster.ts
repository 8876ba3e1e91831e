import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for the demo and the tests: initdb into a temporary folder, the server on a free
 * port of 127.0.0.1 (scram-sha-256 passwords), stopped and removed afterwards. As root, the
 * server runs as the `postgres` OS user, as PostgreSQL requires.
 */
export interface PostgresServer {
  port: number;
  /** The server's log (stderr), for failed-login checks. */
  logFile: string;
  adminUser: string;
  adminPassword: string;
  url(user: string, password: string, database?: string): string;
  /** Runs SQL as the admin (superuser) and returns the rows. */
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  const fromPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) return join(realpathSync(fromPath), '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version ? join(root, version, 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const ADMIN_USER = 'revoke_admin';
const ADMIN_PASSWORD = 'admin-pw-for-tests';

/** Runs a PostgreSQL server binary; as root, as the `postgres` OS user (the server refuses root). */
function serverCommand(bin: string): (command: string, args: string[]) => void {
  const asRoot = process.getuid?.() === 0;
  return (command, args) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    execFileSync(full[0] as string, full[1] as string[], { stdio: 'pipe' });
  };
}

function requireBinDir(): string {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql');
  return bin;
}

/** As root, gives `path` to the `postgres` OS user, who runs the server; otherwise nothing to do. */
function ownedByServerUser(path: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(path, uid, gid);
}

/** A new 0700 folder for a cluster (its data/, socket and server.log), owned by whoever runs the server. */
export function newPostgresFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-pg-'));
  ownedByServerUser(dir);
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * initdb into `<dir>/data` (the admin role, scram-sha-256 over TCP); `dir` from newPostgresFolder(). Exported for the tests, which initialise one stopped cluster per run and copy it
 * (startPostgres's `template`): initdb costs about a second of CPU, a copy next to nothing.
 */
export function initPostgresData(dir: string): string {
  const bin = requireBinDir();
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${ADMIN_PASSWORD}\n`);
  ownedByServerUser(pwfile);
  serverCommand(bin)('initdb', ['-D', data, '-U', ADMIN_USER, '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--no-instructions']);
  rmSync(pwfile, { force: true });
  return data;
}

/**
 * `logTimezone`: the server log's zone (default UTC), for tests of log readers; `port`: a fixed one
 * (revoke sandbox --port-base); `template`: a stopped data folder from initPostgresData to copy
 * instead of running initdb (the tests' one-per-run cluster).
 */
export async function startPostgres(options: { logTimezone?: string; port?: number; template?: string } = {}): Promise<PostgresServer> {
  const bin = requireBinDir();
  const dir = newPostgresFolder();
  const run = serverCommand(bin);
  const adminUser = ADMIN_USER;
  const adminPassword = ADMIN_PASSWORD;
  let data: string;
  if (options.template) {
    data = join(dir, 'data');
    // cp -a keeps the owner (postgres) and the 0700 mode the server insists on.
    execFileSync('cp', ['-a', options.template, data], { stdio: 'pipe' });
  } else {
    data = initPostgresData(dir);
  }
  const port = options.port ?? (await freePort());
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c log_timezone=${options.logTimezone ?? 'UTC'}`, 'start']);
  const url = (user: string, password: string, database = 'postgres') => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const admin = new pg.Client({ connectionString: url(adminUser, adminPassword) });
  await admin.connect();
  return {
    port,
    logFile: join(dir, 'server.log'),
    adminUser,
    adminPassword,
    url,
    sql: async (text, values) => (await admin.query(text, values as unknown[])).rows,
    stop: async () => {
      await admin.end().catch(() => undefined);
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
