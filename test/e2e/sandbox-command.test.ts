import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { GetUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { Octokit } from '@octokit/rest';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../support/spawn.js';
import { startSandboxProcess, type RunningSandbox } from '../support/sandbox-process.js';
import { postgresBinDir } from '../support/postgres.js';

const started: RunningSandbox[] = [];
afterEach(() => {
  for (const running of started.splice(0)) running.child.kill('SIGKILL');
});

async function startSandbox(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningSandbox> {
  const sandbox = await startSandboxProcess(args, env);
  started.push(sandbox);
  return sandbox;
}

describe('revoke sandbox (the built binary)', () => {
  it('serves seeded people on 127.0.0.1; a runbook run with its exports revokes them; Ctrl-C cleans up', async () => {
    // With network jitter: the run below meets requests processed in any order, as on a real network.
    const sandbox = await startSandbox(['--seed', 'jdoe,alice', '--jitter', '30']);
    expect(sandbox.stdout).toContain('each HTTP request is processed after a random 0-30 ms (--jitter)');
    const env = sandbox.exports;
    expect(env.AWS_ENDPOINT_URL_IAM).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.GITHUB_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(env.REVOKE_SANDBOX_RUNBOOK!)).toBe(true);

    const iam = new IAMClient({ endpoint: env.AWS_ENDPOINT_URL_IAM!, region: 'us-east-1', credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
    const octokit = new Octokit({ baseUrl: env.GITHUB_API_URL!, auth: env.GITHUB_TOKEN! });
    expect((await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata).toHaveLength(2);
    expect((await octokit.orgs.getMembershipForUser({ org: 'acme', username: 'alice' })).data.state).toBe('active');

    const dry = await runBin(['user', 'alice', '-r', env.REVOKE_SANDBOX_RUNBOOK!, '--dry-run'], { env, timeoutMs: 60_000 });
    expect(dry.code).toBe(0);
    expect((await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata).toHaveLength(2);

    const keys = mkdtempSync(join(tmpdir(), 'revoke-sandbox-files-'));
    const real = await runBin(['user', 'alice', '-r', env.REVOKE_SANDBOX_RUNBOOK!, '--yes', '--sign-key', 'kms:alias/revoke-sandbox', '--report', join(keys, 'reports')], { env, timeoutMs: 60_000 });
    expect(real.stderr).not.toContain('error');
    expect(real.code).toBe(0);
    await expect(iam.send(new GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await expect(octokit.orgs.getMembershipForUser({ org: 'acme', username: 'alice' })).rejects.toMatchObject({ status: 404 });
    // jdoe, the other seeded person, is untouched.
    expect((await iam.send(new ListAccessKeysCommand({ UserName: 'jdoe' }))).AccessKeyMetadata).toHaveLength(2);

    if (env.DATABASE_URL) {
      // An audit discovers several people at once over one PostgreSQL connection: no pg DeprecationWarning.
      const users = join(keys, 'users.txt');
      writeFileSync(users, 'jdoe\nalice\nnobody-here\n');
      const audit = await runBin(['audit', '-r', env.REVOKE_SANDBOX_RUNBOOK!, '--users', users, '--json', '--report', join(keys, 'reports')], { env, timeoutMs: 60_000 });
      expect(JSON.parse(audit.stdout).summary).toMatchObject({ users: 3, withAccess: 1 });
      expect(audit.stderr).not.toContain('DeprecationWarning');
      expect(real.stderr).not.toContain('DeprecationWarning');
      const admin = new pg.Client({ connectionString: env.DATABASE_URL });
      await admin.connect();
      const roles = await admin.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname IN ('alice', 'jdoe') ORDER BY 1");
      await admin.end();
      expect(roles.rows.map((r) => r.rolname)).toEqual(['jdoe']);
    } else {
      expect(postgresBinDir()).toBeUndefined();
    }

    rmSync(keys, { recursive: true, force: true });
    sandbox.child.kill('SIGINT');
    expect(await sandbox.exited).toBe(0);
    expect(existsSync(env.REVOKE_SANDBOX_RUNBOOK!)).toBe(false);
    await expect(iam.send(new ListAccessKeysCommand({ UserName: 'jdoe' }))).rejects.toThrow();
  }, 90_000);

  it('without PostgreSQL, leaves the database steps out of its runbook; SIGTERM stops it too', async () => {
    const sandbox = await startSandbox([], { REVOKE_SANDBOX_NO_POSTGRES: '1' });
    expect(sandbox.exports.DATABASE_URL).toBeUndefined();
    expect(sandbox.stdout).toContain('the database steps are left out');
    const validate = await runBin(['validate', sandbox.exports.REVOKE_SANDBOX_RUNBOOK!]);
    expect(validate.code).toBe(0);
    const dry = await runBin(['user', 'jdoe', '-r', sandbox.exports.REVOKE_SANDBOX_RUNBOOK!, '--dry-run', '--json'], { env: sandbox.exports, timeoutMs: 60_000 });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).steps.map((s: { id: string }) => s.id)).not.toContain('db-contain');
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
  }, 60_000);

  it('a --port-base that is taken is exit 2 with a fix, and nothing is left running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    // The IAM endpoint goes on port-base + 0, which the blocker holds.
    const result = await runBin(['sandbox', '--port-base', String(port)], { env: { REVOKE_SANDBOX_NO_POSTGRES: '1' } }).finally(() => blocker.close());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1 port ${port} (EADDRINUSE)`);
    expect(result.stderr).toContain('fix: pick another --port-base');
  });

  it.each([['--faults', 'often'], ['--port-base', '80'], ['--latency', '-1'], ['--jitter', 'some']])('%s %s is a usage error (exit 2)', async (option, value) => {
    const result = await runBin(['sandbox', option, value]);
    expect(result.code).toBe(2);
  });
});
