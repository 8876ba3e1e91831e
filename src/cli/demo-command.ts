import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, writeKeyPair } from '../report/signer.js';
import type { SeededDatabase } from '../sandbox/postgres/seed.js';
import { ExitCode } from '../exit-codes.js';
import { createStyle } from '../output/style.js';
import { packageRoot } from '../package-root.js';
import { writeLine, type CliIO } from './io.js';

export const DEMO_USER = 'jdoe';
const DEMO_EMAIL = `${DEMO_USER}@acme.example`;


/**
 * Runs the bundled demo runbook through the real CLI path against local GitHub and AWS IAM sandboxes:
 * a dry run (the plan), then the real run, then a check of what is left. Nothing leaves the machine.
 */
/** `runCli` is the CLI's own entry point, passed in (not imported) so this module does not import main. */
export async function demoCommand(options: { color: boolean; latency?: number; keep?: boolean }, io: CliIO, runCli: (argv: string[], io: CliIO) => Promise<number>): Promise<number> {
  const style = createStyle({ stream: io.stdout, env: io.env, colorFlag: options.color });
  const { startIamSandbox } = await import('../sandbox/iam/server.js');
  const { sandboxEnvironment, FULL_USER } = await import('../sandbox/iam/seed.js');
  const { seedDepartingPeople } = await import('../sandbox/people.js');
  const { startGitHubSandbox } = await import('../sandbox/github/server.js');
  const { githubSandboxEnvironment, seedOrg } = await import('../sandbox/github/seed.js');
  const { startGoogleSandbox } = await import('../sandbox/google/server.js');
  const { googleSandboxEnvironment, seedGoogleCustomer } = await import('../sandbox/google/seed.js');
  const sandbox = await startIamSandbox();
  const github = await startGitHubSandbox();
  const google = await startGoogleSandbox();
  const database = await demoDatabase(io);
  // The demo signs its reports with a key of its own, in a folder of its own: it never creates
  // or uses your default signing key, leaves nothing in your working directory, and removes the
  // folder at the end unless --keep asks for it.
  const scratch = mkdtempSync(join(tmpdir(), 'revoke-demo-'));
  try {
    const githubToken = seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['org-owner-bot'] });
    const googleKey = seedGoogleCustomer(google, { domain: 'acme.example', admin: 'it-admin@acme.example' });
    await seedDepartingPeople({ iam: sandbox, github, google }, 'acme', [DEMO_USER]);
    sandbox.faults.latencyMs = options.latency ?? 0;
    github.faults.latencyMs = options.latency ?? 0;
    google.faults.latencyMs = options.latency ?? 0;
    const runbook = join(packageRoot(import.meta.url), 'runbooks', 'demo.yaml');
    const count = countCredentials(FULL_USER);
    writeLine(io.stdout, style.bold(`revoke demo: local Google Workspace (${google.url}), GitHub (${github.url}) and AWS IAM (${sandbox.endpoint}) sandboxes; nothing leaves this machine`));
    writeLine(io.stdout, `Seeded ${DEMO_EMAIL} in Google Workspace: signed in, 2 authorized apps, an app password, backup codes;`);
    writeLine(io.stdout, `Seeded ${DEMO_USER} in GitHub org acme: member of 2 teams, 2 SSO-authorized credentials, a fine-grained token grant, a codespace,`);
    writeLine(io.stdout, 'a Copilot seat and admin access to repo infra; and as an IAM user with ' + `${count} things to revoke: 2 access keys, a console password, a virtual MFA`);
    writeLine(io.stdout, 'device, an SSH key, a signing certificate, a CodeCommit credential, 3 groups, 3 managed and 3 inline policies.');
    writeLine(io.stdout, `${database.note} Runbook: runbooks/demo.yaml\n`);

    const keyPrefix = join(scratch, 'demo-signing');
    writeKeyPair(generateKeyPair('ecdsa-p256'), `${keyPrefix}.key`, `${keyPrefix}.pub`);
    const reports = join(scratch, 'reports');
    const env: NodeJS.ProcessEnv = { ...githubSandboxEnvironment(github, githubToken, sandboxEnvironment(sandbox, io.env)), ...googleSandboxEnvironment(google), GOOGLE_WORKSPACE_KEY: googleKey };
    if (database.url) env.DATABASE_URL = database.url;
    const demoIO: CliIO = { ...io, env };
    // Without a database, run every step but the database ones.
    const only = database.seeded ? [] : ['google-contain', 'github-credentials', 'github-membership', 'aws-contain', 'aws-remove'].flatMap((id) => ['--only', id]);
    const colour = [...(options.color ? [] : ['--no-color']), '--report', reports, '--sign-key', `${keyPrefix}.key`, ...only];

    writeLine(io.stdout, style.bold(`1. Dry run: revoke user ${DEMO_USER} -r runbooks/demo.yaml --dry-run`));
    const before = sandbox.requests.length;
    const githubBefore = github.exchanges.length;
    const googleBefore = google.exchanges.length;
    const dry = await runCli(['user', DEMO_USER, '-r', runbook, '--dry-run', ...colour], demoIO);
    if (dry !== ExitCode.Success) return dry;
    const dryRequests = [...sandbox.requests.slice(before), ...github.exchanges.slice(githubBefore), ...google.exchanges.slice(googleBefore)];
    const mutating = dryRequests.filter((r) => r.mutating).length;
    writeLine(io.stdout, style.dim(`   The dry run sent ${dryRequests.length} requests to the sandboxes; ${mutating} of them could change anything.\n`));

    const dryRunReports = new Set(readdirSync(reports));
    writeLine(io.stdout, style.bold(`2. Real run: revoke user ${DEMO_USER} -r runbooks/demo.yaml --yes`));
    const real = await runCli(['user', DEMO_USER, '-r', runbook, '--yes', ...colour], demoIO);

    writeLine(io.stdout, style.bold('\n3. What is left in the sandbox'));
    const acme = github.state.orgs.get('acme')!;
    const googleUser = google.state.user(DEMO_EMAIL);
    writeLine(io.stdout, `   Google Workspace: ${DEMO_EMAIL} ${googleUser?.suspended ? style.green('suspended') : style.red('still active')}; sessions ${googleUser?.sessions.size ? style.red('still open') : style.green('signed out')}; authorized apps ${googleUser?.grants.size ? style.red('still granted') : style.green('revoked')}`);
    writeLine(io.stdout, `   GitHub: ${DEMO_USER} in acme: ${acme.members.has(DEMO_USER) ? style.red('still a member') : style.green('gone')}; org-owner-bot (protected): ${acme.members.has('org-owner-bot') ? style.green('untouched') : style.red('gone')}`);
    writeLine(io.stdout, `   IAM user ${DEMO_USER}: ${sandbox.state.users.has(DEMO_USER) ? style.red('still exists') : style.green('gone')}`);
    if (database.seeded) {
      const role = await database.seeded.sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [DEMO_USER]);
      const sessionAlive = await database.seeded.session.query('SELECT 1').then(() => true, () => false);
      const owner = await database.seeded.sql<{ tableowner: string }>('SELECT tableowner FROM pg_tables WHERE tablename = $1', [`${DEMO_USER}_reports`]);
      writeLine(io.stdout, `   PostgreSQL: role ${DEMO_USER} ${role.length ? style.red('still exists') : style.green('gone')}; its open session ${sessionAlive ? style.red('still alive') : style.green('terminated')}; table ${DEMO_USER}_reports now owned by ${owner[0]?.tableowner ?? '?'}`);
    }
    writeLine(io.stdout, `   break-glass-admin (protected): ${sandbox.state.users.has('break-glass-admin') ? style.green('untouched') : style.red('gone')}`);

    const report = readdirSync(reports).find((name) => name.endsWith('.intoto.json') && !dryRunReports.has(name));
    if (report) {
      writeLine(io.stdout, style.bold(`\n4. Verify the signed report: revoke verify ${join(reports, report)} --key ${keyPrefix}.pub`));
      await runCli(['verify', join(reports, report), '--key', `${keyPrefix}.pub`, ...(options.color ? [] : ['--no-color'])], demoIO);
    }
    writeLine(io.stdout, options.keep ? `\nThe demo's reports and key are kept in ${scratch}` : `\nThe demo's folder ${scratch} is removed now (run \`revoke demo --keep\` to keep its reports and key).`);
    writeLine(io.stdout, `Try it on your own account: revoke user <name> -r runbooks/offboarding.yaml --dry-run; or on a local sandbox first: revoke sandbox`);
    return real;
  } finally {
    await Promise.all([sandbox.close(), github.close(), google.close(), database.close()]);
    if (!options.keep) rmSync(scratch, { recursive: true, force: true });
  }
}

function countCredentials(spec: { accessKeys: number; serviceCredentials: string[]; groups: string[]; managedPolicies: string[]; inlinePolicies: string[]; sshKeys: number; signingCertificates: number }): number {
  return spec.accessKeys + 1 + 1 + spec.sshKeys + spec.signingCertificates + spec.serviceCredentials.length + spec.groups.length + spec.managedPolicies.length + spec.inlinePolicies.length;
}

interface DemoDatabase {
  url: string | undefined;
  seeded: SeededDatabase | undefined;
  note: string;
  close(): Promise<void>;
}

/**
 * The demo's database: REVOKE_DEMO_POSTGRES_URL (a superuser connection to a scratch server), or
 * a throwaway local cluster when PostgreSQL is installed, or none (the database steps are skipped).
 */
async function demoDatabase(io: CliIO): Promise<DemoDatabase> {
  const { postgresBinDir, startPostgres } = await import('../sandbox/postgres/cluster.js');
  const { seedDepartingRole } = await import('../sandbox/postgres/seed.js');
  let url = io.env.REVOKE_DEMO_POSTGRES_URL;
  let server: Awaited<ReturnType<typeof startPostgres>> | undefined;
  if (!url && postgresBinDir()) {
    try {
      server = await startPostgres();
      url = server.url(server.adminUser, server.adminPassword);
    } catch (error) {
      return { url: undefined, seeded: undefined, note: `PostgreSQL could not start here (${String((error as Error).message).split('\n')[0]}): the database steps are skipped.`, close: async () => {} };
    }
  }
  if (!url) return { url: undefined, seeded: undefined, note: 'PostgreSQL is not installed: the database steps are skipped (set REVOKE_DEMO_POSTGRES_URL to use a scratch server).', close: async () => {} };
  const seeded = await seedDepartingRole(url, DEMO_USER, 'demo-password-1');
  return {
    url,
    seeded,
    note: `In PostgreSQL (${server ? 'a throwaway local cluster' : 'REVOKE_DEMO_POSTGRES_URL'}), role ${DEMO_USER} can log in, has a password, is in analysts, owns a table, and has a session open.`,
    close: async () => {
      await seeded.close();
      await server?.stop();
    },
  };
}
