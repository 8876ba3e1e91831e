import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTemp } from '../support/cli.js';
import { BIN, ROOT, runBin } from '../support/spawn.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('the revoke binary', () => {
  it('--help lists the commands, the exit codes and examples', async () => {
    const { code, stdout } = await runBin(['--help']);
    expect(code).toBe(0);
    for (const command of ['user', 'validate', 'providers', 'schema']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toContain('130 interrupted');
  });

  it.each(['user', 'validate', 'providers', 'schema'])('%s --help shows examples', async (command) => {
    const { code, stdout } = await runBin([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('$ revoke ');
  });

  it.each([['--help'], ['providers']])('%s into a reader that goes away (| head -c 1) is no crash', async (command) => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, command], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // Read one chunk, then close our end, as `head` does.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.code).toBe(0);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runBin(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('validate on a broken runbook exits 2 with file:line:col and a fix', async () => {
    const file = writeTemp('broken.yaml', 'version: 1\nname: broken\nproviders: {}\nsteps:\n  - id: a\n    provider: nowhere\n    revoke: tokens\n');
    const { code, stderr, stdout } = await runBin(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:3:12: error: providers: declare at least one provider instance`);
    expect(stderr).toContain(`${file}:5:5: error: missing required key "user" in steps[0]`);
    expect(stderr).toContain(`${file}:7:13: error: steps[0].revoke must be a list`);
    expect(stderr).toContain('1 of 1 runbook invalid; nothing was run');
  });

  it('validate on malformed YAML exits 2 with the position', async () => {
    const file = writeTemp('bad.yaml', 'version: 1\nname: "unterminated\n');
    const { code, stderr } = await runBin(['validate', file, '--json']);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const { stdout } = await runBin(['validate', file, '--json']);
    expect(JSON.parse(stdout).runbooks[0].diagnostics[0]).toMatchObject({ line: 3, col: 1, message: 'invalid YAML: Missing closing "quote' });
  });

  it('validate on a missing file exits 2 and says so', async () => {
    const { code, stderr } = await runBin(['validate', 'no/such/runbook.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('no/such/runbook.yaml: error: runbook no/such/runbook.yaml does not exist');
  });

  it('user without a terminal and without --yes exits 2 at once, never waiting on a prompt', async () => {
    const { code, stderr, ms } = await runBin(['user', 'alice', '-r', 'runbooks/does-not-matter.yaml'], { timeoutMs: 5000 });
    expect(code).toBe(2);
    expect(stderr).toContain('error: a real run needs confirmation, and there is no terminal to ask on');
    expect(stderr).toContain('pass --yes');
    // A prompt would wait until the 5 s timeout kills it; starting node on a loaded 2-core CI can take over 1 s.
    expect(ms).toBeLessThan(3000);
  });

  it('schema prints the JSON Schema that is committed in schema/runbook.schema.json', async () => {
    const { code, stdout } = await runBin(['schema']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const committed = JSON.parse(readFileSync(join(ROOT, 'schema/runbook.schema.json'), 'utf8'));
    // If this fails: run `npm run schema` and commit schema/runbook.schema.json.
    expect(committed).toEqual(printed);
  });

  it('providers --json prints parseable JSON', async () => {
    const { code, stdout } = await runBin(['providers', '--json']);
    expect(code).toBe(0);
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
  });

  it('an unknown command exits 2', async () => {
    const { code, stderr } = await runBin(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('the revoke binary with the built-in providers', () => {
  it('validate accepts every example runbook', async () => {
    const { code, stdout } = await runBin(['validate', 'runbooks/demo.yaml', 'runbooks/offboarding.yaml', 'runbooks/incident-contain.yaml']);
    expect(code).toBe(0);
    expect(stdout).toBe('runbooks/demo.yaml: ok (7 steps)\nrunbooks/offboarding.yaml: ok (2 steps)\nrunbooks/incident-contain.yaml: ok (1 step)\n');
  });

  it('demo runs the dry run and the real run against the sandbox, with no stray warnings', async () => {
    const { code, stdout, stderr } = await runBin(['demo'], { timeoutMs: 60_000 });
    expect(code).toBe(0);
    expect(stdout).toContain('1. Dry run: revoke user jdoe -r runbooks/demo.yaml --dry-run');
    expect(stdout).toMatch(/The dry run sent \d+ requests to the sandboxes; 0 of them could change anything\./);
    expect(stdout).toContain('Result for jdoe: done');
    expect(stdout).toContain('IAM user jdoe: gone');
    expect(stdout).toContain('Google Workspace: jdoe@acme.example suspended; sessions signed out; authorized apps revoked');
    expect(stdout).toContain('GitHub: jdoe in acme: gone; org-owner-bot (protected): untouched');
    expect(stdout).toContain('PostgreSQL: role jdoe gone; its open session terminated; table jdoe_reports now owned by data_owner');
    expect(stdout).toMatch(/valid: run \S+ for jdoe \(real run, completed\)/);
    expect(stdout).toContain('break-glass-admin (protected): untouched');
    expect(stdout + stderr).not.toMatch(/\(node:\d+\)|DeprecationWarning|NodeVersionSupport|ExperimentalWarning|MaxListeners/);
    expect(stdout + stderr).not.toContain('sandbox-secret');
  }, 60_000);

  it('a missing AWS credential exits 2 with what to set, before anything runs', async () => {
    const home = mkdtempSync(join(tmpdir(), 'revoke-home-'));
    const { code, stderr } = await runBin(['user', 'jdoe', '-r', 'runbooks/offboarding.yaml', '--dry-run'], {
      env: { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') },
      timeoutMs: 30_000,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('error: no AWS credentials found for provider aws');
    expect(stderr).toContain('fix: set AWS_PROFILE (or profile: in the runbook), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(stderr).not.toMatch(/\(node:\d+\)|NodeVersionSupport/);
  }, 30_000);
});

describe('the revoke binary against the IAM sandbox', () => {
  it('a run that waits on its rate limit keeps running to the end (no early exit)', async () => {
    const { startIamSandbox } = await import('../../src/sandbox/iam/server.js');
    const { sandboxIamClient, seedUser, FULL_USER } = await import('../../src/sandbox/iam/seed.js');
    const { sandboxEnvironment } = await import('../../src/sandbox/iam/seed.js');
    const sandbox = await startIamSandbox();
    try {
      await seedUser(sandboxIamClient(sandbox), 'jdoe', FULL_USER);
      const slow = writeTemp('slow.yaml', readFileSync(join(ROOT, 'test/fixtures/aws-offboarding.yaml'), 'utf8').replace('    type: aws-iam', '    type: aws-iam\n    requestsPerSecond: 40'));
      const result = await runBin(['user', 'jdoe', '-r', slow, '--yes'], { env: sandboxEnvironment(sandbox), timeoutMs: 30_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(sandbox.state.users.has('jdoe')).toBe(false);
    } finally {
      await sandbox.close();
    }
  }, 40_000);

  it('user --json prints one parseable document; a dry run sent nothing that mutates', async () => {
    const { startIamSandbox } = await import('../../src/sandbox/iam/server.js');
    const { sandboxIamClient, seedUser } = await import('../../src/sandbox/iam/seed.js');
    const { sandboxEnv } = await import('../support/iam.js');
    const sandbox = await startIamSandbox();
    try {
      await seedUser(sandboxIamClient(sandbox), 'jdoe', { accessKeys: 1, groups: ['devs'] });
      const before = sandbox.requests.length;
      const dry = await runBin(['user', 'jdoe', '-r', 'runbooks/offboarding.yaml', '--dry-run', '--json', '--detailed-exitcode'], { env: sandboxEnv(sandbox) });
      expect(dry.code).toBe(3);
      expect(JSON.parse(dry.stdout)).toMatchObject({ user: 'jdoe', dryRun: true, status: 'completed', totals: { findings: 7, planned: 7 } });
      expect(sandbox.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
      const real = await runBin(['user', 'jdoe', '-r', 'runbooks/offboarding.yaml', '--yes', '--json'], { env: sandboxEnv(sandbox) });
      expect(real.code).toBe(0);
      expect(JSON.parse(real.stdout).status).toBe('completed');
      expect(real.stderr).not.toMatch(/\(node:\d+\)|NodeVersionSupport/);
      expect(sandbox.state.users.has('jdoe')).toBe(false);
    } finally {
      await sandbox.close();
    }
  }, 30_000);
});
