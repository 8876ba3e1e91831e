import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { startGitHubSandbox } from './github/server.js';
import { githubSandboxEnvironment, seedOrg } from './github/seed.js';
import { startGoogleSandbox } from './google/server.js';
import { googleSandboxEnvironment, seedGoogleCustomer } from './google/seed.js';
import { startIamSandbox } from './iam/server.js';
import { sandboxEnvironment } from './iam/seed.js';
import { startKmsSandbox } from './kms/server.js';
import { PROTECTED, SANDBOX_DOMAIN, seedDepartingPeople } from './people.js';
import { postgresBinDir, startPostgres, type PostgresServer } from './postgres/cluster.js';
import { seedDepartingRole, type SeededDatabase } from './postgres/seed.js';

export interface StandaloneOptions {
  people: string[];
  latencyMs: number;
  /** Each HTTP request waits a random 0 to jitterMs (seeded) before it is processed: requests sent together are processed in any order. */
  jitterMs?: number;
  /** Retryable faults (IAM throttling, GitHub secondary rate limits) at `rate`, repeatable by `seed`. */
  faults?: { seed: number; rate: number };
  /** IAM/STS on portBase, GitHub +1, KMS +2, PostgreSQL +3, Google Workspace +4; free ports when absent. */
  portBase?: number;
  /** The demo runbook, the template of the runbook written for the sandbox. */
  demoRunbookPath: string;
  /** IAM enforces a change this long after it is made (AWS is eventually consistent): `revoke drill` SLA checks. */
  enforcementDelayMs?: number;
  /** Whether to start PostgreSQL when it is installed; without it only the database steps are dropped. */
  withPostgres: boolean;
}

export interface Endpoint {
  name: string;
  url: string;
}

export interface StandaloneSandbox {
  endpoints: Endpoint[];
  /** Why there is no database, when there is none. */
  postgresNote?: string;
  /** Variables a revoke run needs to work on these endpoints (sandbox-only credentials). */
  env: Record<string, string>;
  /** A runbook targeting the sandbox, in the sandbox's own folder. */
  runbookPath: string;
  /** The sandbox's folder: removed by close(). */
  dir: string;
  signKey: string;
  close(): Promise<void>;
}

export const SANDBOX_ORG = 'acme';
export const SANDBOX_KMS_ALIAS = 'alias/revoke-sandbox';

/**
 * Starts every endpoint the demo uses on 127.0.0.1 and seeds the named people in each, for
 * trying a runbook before production. Whatever started is stopped again if a later part fails.
 */
export async function startStandaloneSandbox(options: StandaloneOptions): Promise<StandaloneSandbox> {
  const closers: Array<() => Promise<unknown>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'revoke-sandbox-'));
  closers.push(async () => rmSync(dir, { recursive: true, force: true }));
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  const port = (offset: number) => (options.portBase === undefined ? {} : { port: options.portBase + offset });
  const faults = options.faults;
  try {
    const iam = await startIamSandbox({ latencyMs: options.latencyMs, jitterMs: options.jitterMs ?? 0, ...(options.enforcementDelayMs ? { enforcementDelayMs: options.enforcementDelayMs } : {}), ...(faults ? { seed: faults.seed, throttleRate: faults.rate } : {}), ...port(0) });
    closers.push(() => iam.close());
    const github = await startGitHubSandbox({ latencyMs: options.latencyMs, jitterMs: options.jitterMs ?? 0, ...(faults ? { seed: faults.seed, secondaryRateLimitRate: faults.rate, retryAfterSeconds: 1 } : {}), ...port(1) });
    closers.push(() => github.close());
    const kms = await startKmsSandbox(port(2));
    closers.push(() => kms.close());
    kms.createSigningKey(SANDBOX_KMS_ALIAS);
    const google = await startGoogleSandbox({ latencyMs: options.latencyMs, jitterMs: options.jitterMs ?? 0, ...(faults ? { seed: faults.seed, rateLimitRate: faults.rate, retryAfterSeconds: 1 } : {}), ...port(4) });
    closers.push(() => google.close());

    const token = seedOrg(github, { org: SANDBOX_ORG, operator: 'revoke-bot', owners: [PROTECTED.github] });
    const googleKey = seedGoogleCustomer(google, { domain: SANDBOX_DOMAIN, admin: `it-admin@${SANDBOX_DOMAIN}` });
    await seedDepartingPeople({ iam, github, google }, SANDBOX_ORG, options.people);
    const env: Record<string, string> = {
      ...definedOnly(githubSandboxEnvironment(github, token, sandboxEnvironment(iam))),
      AWS_ENDPOINT_URL_KMS: kms.endpoint,
      ...googleSandboxEnvironment(google),
      GOOGLE_WORKSPACE_KEY: googleKey,
    };
    const endpoints: Endpoint[] = [
      { name: 'AWS IAM + STS', url: iam.endpoint },
      { name: 'GitHub', url: github.url },
      { name: 'AWS KMS', url: kms.endpoint },
      { name: 'Google Workspace', url: google.url },
    ];

    const database = options.withPostgres ? await startDatabase(options.people, port(3).port) : { note: 'PostgreSQL is not used (REVOKE_SANDBOX_NO_POSTGRES=1): the database steps are left out' };
    if (database.server) {
      closers.push(() => database.server!.stop());
      closers.push(() => Promise.all(database.seeded!.map((s) => s.close())));
      env.DATABASE_URL = database.server.url(database.server.adminUser, database.server.adminPassword);
      endpoints.push({ name: 'PostgreSQL', url: `postgres://127.0.0.1:${database.server.port}/postgres` });
    }

    const runbookPath = join(dir, 'sandbox.yaml');
    writeFileSync(runbookPath, sandboxRunbook(readFileSync(options.demoRunbookPath, 'utf8'), Boolean(database.server)));
    return { endpoints, ...(database.note ? { postgresNote: database.note } : {}), env, runbookPath, dir, signKey: `kms:${SANDBOX_KMS_ALIAS}`, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startDatabase(people: string[], port: number | undefined): Promise<{ server?: PostgresServer; seeded?: SeededDatabase[]; note?: string }> {
  if (!postgresBinDir()) return { note: 'PostgreSQL is not installed: the database steps are left out' };
  let server: PostgresServer;
  try {
    server = await startPostgres(port === undefined ? {} : { port });
  } catch (error) {
    return { note: `PostgreSQL could not start here (${String((error as Error).message).split('\n')[0]}): the database steps are left out` };
  }
  const seeded: SeededDatabase[] = [];
  try {
    const adminUrl = server.url(server.adminUser, server.adminPassword);
    // Each person's password is random and never shown: the runbook takes it away anyway.
    for (const person of people) seeded.push(await seedDepartingRole(adminUrl, person, randomBytes(12).toString('base64url')));
    return { server, seeded };
  } catch (error) {
    await Promise.all(seeded.map((s) => s.close()));
    await server.stop();
    throw error;
  }
}

/** The demo runbook, without its database provider and steps when there is no database. */
export function sandboxRunbook(demoRunbook: string, withDatabase: boolean): string {
  const doc = parseDocument(demoRunbook);
  doc.commentBefore = ' The runbook `revoke sandbox` wrote for its endpoints; copy it before stopping the sandbox.';
  if (!withDatabase) {
    doc.deleteIn(['providers', 'db']);
    doc.deleteIn(['protect', 'db']);
    doc.deleteIn(['vars', 'db_role']);
    const steps = doc.get('steps', true) as { items: Array<{ get(key: string): unknown }> };
    steps.items = steps.items.filter((step) => step.get('provider') !== 'db');
  }
  return doc.toString();
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
