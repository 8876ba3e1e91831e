import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnvironment, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox } from '../../src/sandbox/iam/server.js';
import { startSandboxProcess, type RunningSandbox } from '../support/sandbox-process.js';
import { BIN, ROOT } from '../support/spawn.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  // Every response 150 ms late: discovery takes seconds, long enough to interrupt half-way.
  sandbox = await startSandboxProcess(['--latency', '150', '--seed', 'jdoe,alice'], { REVOKE_SANDBOX_NO_POSTGRES: '1' });
}, 30_000);
afterAll(() => {
  sandbox?.child.kill('SIGKILL');
});

/** Runs `revoke user …` against the sandbox and sends SIGINT once the first step is discovered (--concurrency 1: the others wait their turn). */
function interruptAfterFirstDiscovery(args: string[]) {
  return runAndSignal(args, { signal: 'SIGINT', when: /discovered \S+: \d+ found/ });
}

/** Runs the binary against the sandbox; sends `signal` once stderr matches `when`. */
function runAndSignal(args: string[], options: { signal?: NodeJS.Signals; when?: RegExp; reportDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'revoke-honest-'));
  const child = spawn(process.execPath, [BIN, ...args, '--report', options.reportDir ?? join(scratch, 'reports')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: scratch, XDG_CONFIG_HOME: scratch, TMPDIR: process.env.TMPDIR, ...(options.env ?? sandbox.exports) },
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (!sent && options.signal && options.when?.test(stderr)) {
      sent = true;
      child.kill(options.signal);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('honest output when interrupted during discovery (the built binary)', () => {
  it('a dry run says which steps were never discovered and that the plan is incomplete, never "nothing to revoke" for them', async () => {
    const { code, stdout, stderr } = await interruptAfterFirstDiscovery(['user', 'jdoe', '-r', sandbox.exports.REVOKE_SANDBOX_RUNBOOK!, '--dry-run', '--concurrency', '1']);
    expect(code).toBe(130);
    expect(stderr).toContain('SIGINT: stopping');
    expect(stdout).toMatch(/: not discovered \(interrupted\)/);
    expect(stdout).toMatch(/The plan is incomplete: interrupted before \d+ of \d+ steps were discovered/);
    expect(stdout).not.toContain('Nothing to revoke.');
    // Steps that were looked at still show what they found.
    expect(stdout).toMatch(/would revoke \d+ item/);
  }, 60_000);

  it('a real run interrupted there says what containment already did, and nothing else was done', async () => {
    const { code, stdout } = await interruptAfterFirstDiscovery(['user', 'alice', '-r', sandbox.exports.REVOKE_SANDBOX_RUNBOOK!, '--yes', '--concurrency', '1']);
    expect(code).toBe(130);
    expect(stdout).toMatch(/not discovered \(interrupted\)/);
    // --yes contains first (right after connecting): that is not hidden behind "nothing was revoked".
    expect(stdout).toMatch(/^Result for alice: interrupted$/m);
    expect(stdout).not.toMatch(/: planned$/m);
    const iam = new IAMClient({ endpoint: sandbox.exports.AWS_ENDPOINT_URL_IAM!, region: 'us-east-1', credentials: { accessKeyId: sandbox.exports.AWS_ACCESS_KEY_ID!, secretAccessKey: sandbox.exports.AWS_SECRET_ACCESS_KEY! } });
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata ?? [];
    expect(keys.map((k) => k.Status)).toEqual(['Active', 'Active']);
  }, 60_000);

  // Its own IAM sandbox in this process, slow only while the first run is killed: four runs at
  // 150 ms a response took over 20 s, for a property of the journal that needs no latency.
  it('the --resume hint appears after a crashed run, and no longer once a later run for the same person completed', async () => {
    const iam = await startIamSandbox();
    try {
      await seedUser(sandboxIamClient(iam), 'bob');
      const env = sandboxEnvironment(iam);
      const reportDir = mkdtempSync(join(tmpdir(), 'revoke-resume-hint-'));
      const runbook = 'test/fixtures/aws-offboarding.yaml';
      iam.faults.latencyMs = 150;
      const crashed = await runAndSignal(['user', 'bob', '-r', runbook, '--yes', '--concurrency', '1'], { signal: 'SIGKILL', when: /\brevoked \S+ /, reportDir, env });
      expect(crashed.code).toBeNull();
      expect(iam.state.users.has('bob'), 'killed before it finished').toBe(true);
      iam.faults.latencyMs = 0;
      const hint = /an earlier run for bob with this runbook did not finish \((.+\.journal\.jsonl)\); to continue it, add --resume/;
      const before = await runAndSignal(['user', 'bob', '-r', runbook, '--dry-run'], { reportDir, env });
      expect(before.stderr).toMatch(hint);
      const completed = await runAndSignal(['user', 'bob', '-r', runbook, '--yes'], { reportDir, env });
      expect(completed.code).toBe(0);
      const after = await runAndSignal(['user', 'bob', '-r', runbook, '--dry-run'], { reportDir, env });
      expect(after.code).toBe(0);
      expect(after.stderr).not.toMatch(hint);
    } finally {
      await iam.close();
    }
  }, 90_000);
});
