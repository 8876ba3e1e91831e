import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initPostgresData, newPostgresFolder, startPostgres as startCluster, type PostgresServer } from '../../src/sandbox/postgres/cluster.js';

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
