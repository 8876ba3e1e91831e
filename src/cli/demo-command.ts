import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, writeKeyPair } from '../report/signer.js';
import { ExitCode } from '../exit-codes.js';
import { createStyle } from '../output/style.js';
import { packageRoot } from '../package-root.js';
import { writeLine, type CliIO } from './io.js';
import { main } from './main.js';

export const DEMO_USER = 'jdoe';

/**
 * Runs the bundled demo runbook through the real CLI path against a local AWS IAM sandbox:
 * a dry run (the plan), then the real run, then a check of what is left. Nothing leaves the machine.
 */
export async function demoCommand(options: { color: boolean; latency?: number }, io: CliIO): Promise<number> {
  const style = createStyle({ stream: io.stdout, env: io.env, colorFlag: options.color });
  const { startIamSandbox } = await import('../sandbox/iam/server.js');
  const { seedUser, sandboxIamClient, sandboxEnvironment, FULL_USER } = await import('../sandbox/iam/seed.js');
  const sandbox = await startIamSandbox();
  try {
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, DEMO_USER, FULL_USER);
    await seedUser(iam, 'break-glass-admin', { accessKeys: 1 });
    sandbox.faults.latencyMs = options.latency ?? 0;
    const runbook = join(packageRoot(import.meta.url), 'runbooks', 'demo.yaml');
    const count = countCredentials(FULL_USER);
    writeLine(io.stdout, style.bold(`revoke demo: a local AWS IAM sandbox at ${sandbox.endpoint} (nothing leaves this machine)`));
    writeLine(io.stdout, `Seeded IAM user ${DEMO_USER} with ${count} things to revoke: 2 access keys, a console password, a virtual MFA device, an SSH key,`);
    writeLine(io.stdout, 'a signing certificate, a CodeCommit credential, 3 groups, 3 managed and 3 inline policies. Runbook: runbooks/demo.yaml\n');

    // The demo signs its reports with a key of its own, in a folder of its own: it never creates
    // or uses your default signing key, and leaves nothing in your working directory.
    const scratch = mkdtempSync(join(tmpdir(), 'revoke-demo-'));
    const keyPrefix = join(scratch, 'demo-signing');
    writeKeyPair(generateKeyPair('ecdsa-p256'), `${keyPrefix}.key`, `${keyPrefix}.pub`);
    const reports = join(scratch, 'reports');
    const demoIO: CliIO = { ...io, env: sandboxEnvironment(sandbox, io.env) };
    const colour = [...(options.color ? [] : ['--no-color']), '--report', reports, '--sign-key', `${keyPrefix}.key`];

    writeLine(io.stdout, style.bold(`1. Dry run: revoke user ${DEMO_USER} -r runbooks/demo.yaml --dry-run`));
    const before = sandbox.requests.length;
    const dry = await main(['user', DEMO_USER, '-r', runbook, '--dry-run', ...colour], demoIO);
    if (dry !== ExitCode.Success) return dry;
    const dryRequests = sandbox.requests.slice(before);
    const mutating = dryRequests.filter((r) => r.mutating).length;
    writeLine(io.stdout, style.dim(`   The dry run sent ${dryRequests.length} requests to the sandbox; ${mutating} of them could change anything.\n`));

    const dryRunReports = new Set(readdirSync(reports));
    writeLine(io.stdout, style.bold(`2. Real run: revoke user ${DEMO_USER} -r runbooks/demo.yaml --yes`));
    const real = await main(['user', DEMO_USER, '-r', runbook, '--yes', ...colour], demoIO);

    writeLine(io.stdout, style.bold('\n3. What is left in the sandbox'));
    writeLine(io.stdout, `   IAM user ${DEMO_USER}: ${sandbox.state.users.has(DEMO_USER) ? style.red('still exists') : style.green('gone')}`);
    writeLine(io.stdout, `   break-glass-admin (protected): ${sandbox.state.users.has('break-glass-admin') ? style.green('untouched') : style.red('gone')}`);

    const report = readdirSync(reports).find((name) => name.endsWith('.intoto.json') && !dryRunReports.has(name));
    if (report) {
      writeLine(io.stdout, style.bold(`\n4. Verify the signed report: revoke verify ${join(reports, report)} --key ${keyPrefix}.pub`));
      await main(['verify', join(reports, report), '--key', `${keyPrefix}.pub`, ...(options.color ? [] : ['--no-color'])], demoIO);
    }
    writeLine(io.stdout, `\nTry it on your own account: revoke user <name> -r runbooks/offboarding.yaml --dry-run`);
    return real;
  } finally {
    await sandbox.close();
  }
}

function countCredentials(spec: { accessKeys: number; serviceCredentials: string[]; groups: string[]; managedPolicies: string[]; inlinePolicies: string[]; sshKeys: number; signingCertificates: number }): number {
  return spec.accessKeys + 1 + 1 + spec.sshKeys + spec.signingCertificates + spec.serviceCredentials.length + spec.groups.length + spec.managedPolicies.length + spec.inlinePolicies.length;
}
