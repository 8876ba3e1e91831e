import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, initPostgresData, newPostgresFolder, startPostgres as startCluster, type PostgresServer } from '../../src/sandbox/postgres/cluster.js';

export { postgresBinDir, type PostgresServer } from '../../src/sandbox/postgres/cluster.js';

/**
 * One initdb per test run: the first file that needs PostgreSQL initialises a stopped cluster
 * under the run's temporary root (test/support/temp-root.ts); every file then starts its own
 * server on a copy of it. Each file still gets a cluster nobody else touches, without paying
 * initdb's second of CPU again. The first caller takes a lock (mkdir) and the others wait for it.
 */
const TEMPLATE = join(tmpdir(), 'revoke-pg-template');
const READY = join(TEMPLATE, 'data-folder');
const FAILED = join(TEMPLATE, 'failed');

async function templateDataFolder(): Promise<string> {
  try {
    mkdirSync(TEMPLATE);
  } catch {
    return waitForTemplate();
  }
  try {
    const data = initPostgresData(newPostgresFolder());
    writeFileSync(READY, data);
    return data;
  } catch (error) {
    writeFileSync(FAILED, (error as Error).message);
    throw error;
  }
}

async function waitForTemplate(): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(READY)) return readFileSync(READY, 'utf8');
    if (existsSync(FAILED)) throw new Error(`initdb failed in another test file: ${readFileSync(FAILED, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no PostgreSQL template cluster in ${TEMPLATE} after 60 s`);
}

/** A throwaway cluster for this test file (src/sandbox/postgres/cluster.ts), from the run's template. */
export async function startPostgres(options: { logTimezone?: string } = {}): Promise<PostgresServer> {
  return startCluster({ ...options, template: await templateDataFolder() });
}

/**
 * PgBouncer (apt-get install pgbouncer) in front of `server`, transaction pooling, as many teams
 * put it in front of PostgreSQL. It runs as the `postgres` OS user when the tests run as root
 * (PgBouncer refuses root). `users` are the logins it accepts, with their passwords.
 */
export async function startPgBouncer(server: PostgresServer, users: Array<{ user: string; password: string }>): Promise<{ url(user: string, password: string): string; stop(): void }> {
  const binary = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) => existsSync(path));
  if (!binary) throw new Error('PgBouncer not found: apt-get install pgbouncer');
  const dir = mkdtempSync(join(tmpdir(), 'revoke-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), users.map(({ user, password }) => `"${user}" "${password}"\n`).join(''), { mode: 0o644 });
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
  const command = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', binary] : [binary];
  const child = spawn(command[0]!, [...command.slice(1), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`PgBouncer did not start on port ${port}: see ${join(dir, 'pgbouncer.log')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: (user, password) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (socket.end(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

