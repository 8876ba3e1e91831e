import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { verifyReport } from '../../src/report/verify.js';
import { githubSandboxEnvironment, seedGitHubUser, seedOrg } from '../../src/sandbox/github/seed.js';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { sandboxEnvironment, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { runCli, writeTemp } from '../support/cli.js';
import { ROOT } from '../support/spawn.js';

const demo = join(ROOT, 'test', 'fixtures', 'github-aws.yaml');
let iam: IamSandbox | undefined;
let github: GitHubSandbox | undefined;
afterEach(async () => {
  await Promise.all([iam?.close(), github?.close()]);
});

/** 20 current employees on both sides; jdoe left but keeps an IAM user, rroe left but is still in the org. */
async function world() {
  iam = await startIamSandbox();
  github = await startGitHubSandbox();
  const client = sandboxIamClient(iam);
  for (let i = 0; i < 20; i++) iam.state.createUser(`employee${i}`);
  await seedUser(client, 'jdoe', { accessKeys: 1 });
  const token = seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['org-owner-bot'] });
  for (let i = 0; i < 20; i++) seedGitHubUser(github, 'acme', { login: `employee${i}`, role: 'member' });
  seedGitHubUser(github, 'acme', { login: 'rroe', role: 'member', teams: ['platform'] });
  const dir = mkdtempSync(join(tmpdir(), 'revoke-audit-'));
  const env = { ...githubSandboxEnvironment(github, token, sandboxEnvironment(iam)), XDG_CONFIG_HOME: dir };
  return { dir, env };
}

const departed = (names: string[]) => writeTemp('departed.txt', `${names.join('\n')}\n`);
const cleanNames = (n: number) => Array.from({ length: n }, (_, i) => `former${i}`);

describe('revoke audit (both sandboxes, real SDK and Octokit)', () => {
  it('exit 3 naming who still has access, a signed report, and a markdown step summary', async () => {
    const { dir, env } = await world();
    const summaryFile = join(dir, 'summary.md');
    writeFileSync(summaryFile, '# nightly\n');
    const result = await runCli(['audit', '-r', demo, '--users', departed(['jdoe', 'rroe', ...cleanNames(8)]), '--format', 'json', '--report', join(dir, 'r')], builtinRegistry(), { env: { ...env, GITHUB_STEP_SUMMARY: summaryFile } });
    expect(result.code, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout);
    expect(json.summary).toEqual({ users: 10, withAccess: 2, failed: 0 });
    expect(json.usersWithAccess.map((u: { user: string }) => u.user).sort()).toEqual(['jdoe', 'rroe']);
    const rroe = json.usersWithAccess.find((u: { user: string }) => u.user === 'rroe');
    expect(rroe.findings.map((f: { kind: string }) => f.kind)).toEqual(['org-membership']);
    expect(verifyReport(json.report, readFileSync(join(dir, 'revoke', 'signing-key.pub.pem'), 'utf8')).valid).toBe(true);
    const md = readFileSync(summaryFile, 'utf8');
    expect(md).toMatch(/^# nightly\n## revoke audit: ❌ access remains/);
    expect(md).toContain('| rroe | gh | rroe | member of acme as member, in teams platform |');
    expect(result.stderr).toMatch(/Z audited 10\/10 users, 2 with access$/m);
    // Read-only, always.
    expect(iam!.requests.filter((r) => r.mutating && r.action !== 'CreateUser' && r.action !== 'CreateAccessKey')).toEqual([]);
    expect(github!.exchanges.filter((e) => e.mutating)).toEqual([]);
  });

  it('revoke verify names what an audit report attests', async () => {
    const { dir, env } = await world();
    const users = departed(['jdoe', ...cleanNames(2)]);
    const result = await runCli(['audit', '-r', demo, '--users', users, '--format', 'json', '--report', join(dir, 'r')], builtinRegistry(), { env });
    expect(result.code, result.stderr).toBe(3);
    const verified = await runCli(['verify', JSON.parse(result.stdout).report, '--key', join(dir, 'revoke', 'signing-key.pub.pem')], builtinRegistry(), { env });
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain(`valid: audit of 3 users from ${users} with runbook github-aws-offboarding: 1 with access, 0 not fully checked (exit 3)`);
    expect(verified.stdout).not.toContain('undefined');
  });

  it('exit 0 when everyone is clean', async () => {
    const { dir, env } = await world();
    const result = await runCli(['audit', '-r', demo, '--users', departed(cleanNames(5)), '--report', join(dir, 'r')], builtinRegistry(), { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Audited 5 users: 0 still have access.\n');
  });

  it('auditing a person costs what a dry run of them costs, plus the list pages: their steps on one provider share their answers', async () => {
    const { dir, env } = await world();
    const iamCalls = async (args: string[]) => {
      const from = iam!.requests.length;
      const result = await runCli(args, builtinRegistry(), { env });
      return { result, made: iam!.requests.slice(from).map((r) => `${r.action} ${JSON.stringify(r.params)}`) };
    };
    const dry = await iamCalls(['user', 'jdoe', '-r', demo, '--dry-run', '--report', join(dir, 'd')]);
    const audit = await iamCalls(['audit', '-r', demo, '--users', departed(['jdoe']), '--format', 'json', '--report', join(dir, 'a')]);
    expect(audit.result.code, audit.result.stderr).toBe(3);
    // github-aws.yaml has two AWS steps for jdoe (contain, then remove): both find the access key,
    // and both ask for the keys, the login profile, the policies; each answer is read once.
    expect(JSON.parse(audit.result.stdout).usersWithAccess[0].findings.filter((f: { kind: string }) => f.kind === 'access-keys').length).toBeGreaterThanOrEqual(2);
    expect(audit.made.filter((call) => call.startsWith('ListAccessKeys'))).toHaveLength(1);
    // The audit's own cost on IAM is the list of who could have access (one page here); the rest
    // is exactly what a dry run of jdoe asks.
    const extra = [...audit.made];
    for (const call of dry.made) if (extra.includes(call)) extra.splice(extra.indexOf(call), 1);
    expect(extra.map((call) => call.split(' ')[0])).toEqual(['ListUsers']);
    expect(audit.made).toHaveLength(dry.made.length + 1);
  });

  it('costs list pages, not users: 10 or 300 departed people make the same calls', async () => {
    const { dir, env } = await world();
    const iamBefore = iam!.requests.length;
    const ghBefore = github!.exchanges.length;
    await runCli(['audit', '-r', demo, '--users', departed(['jdoe', 'rroe', ...cleanNames(8)]), '--report', join(dir, 'a')], builtinRegistry(), { env });
    const small = { iam: iam!.requests.length - iamBefore, github: github!.exchanges.length - ghBefore };
    const iamMid = iam!.requests.length;
    const ghMid = github!.exchanges.length;
    await runCli(['audit', '-r', demo, '--users', departed(['jdoe', 'rroe', ...cleanNames(298)]), '--report', join(dir, 'b')], builtinRegistry(), { env });
    const large = { iam: iam!.requests.length - iamMid, github: github!.exchanges.length - ghMid };
    expect(large).toEqual(small);
    expect(iam!.requests.slice(iamMid).filter((r) => r.action === 'ListUsers')).toHaveLength(1);
  });

  it('exit 4 (incomplete, never quiet) when discovery fails for a provider, saying which; exit 3 when someone it checked has access', async () => {
    const { dir, env } = await world();
    const noToken = await runCli(['audit', '-r', demo, '--users', departed(['jdoe', 'former1']), '--report', join(dir, 'r')], builtinRegistry(), { env: { ...env, GITHUB_TOKEN: '' } });
    expect(noToken.code).toBe(2); // cannot even connect: bad input, nothing audited
    const readOnlyToken = github!.state.addToken('outsider', ['repo']);
    const partial = await runCli(['audit', '-r', demo, '--users', departed(['jdoe', 'former1']), '--report', join(dir, 'r')], builtinRegistry(), { env: { ...env, GITHUB_TOKEN: readOnlyToken } });
    expect(partial.code, partial.stdout + partial.stderr).toBe(3);
    expect(partial.stdout).toContain('discovery failed on provider gh: listing the members, outside collaborators and invitations of acme: HTTP 403: You need read:org');
    expect(partial.stdout).toContain('jdoe (line 1):');
    // Nobody it could check has access, but GitHub was not checked: incomplete, not clean.
    const unchecked = await runCli(['audit', '-r', demo, '--users', departed(cleanNames(3)), '--format', 'json', '--report', join(dir, 'u')], builtinRegistry(), { env: { ...env, GITHUB_TOKEN: readOnlyToken } });
    expect(unchecked.code, unchecked.stdout + unchecked.stderr).toBe(4);
    expect(JSON.parse(unchecked.stdout).failedProviders.map((p: { provider: string }) => p.provider)).toEqual(['gh']);
    const verified = await runCli(['verify', JSON.parse(unchecked.stdout).report, '--key', join(dir, 'revoke', 'signing-key.pub.pem')], builtinRegistry(), { env });
    expect(verified.stdout).toMatch(/0 with access, 3 not fully checked \(exit 4\)/);
  });

  it('bad input is exit 2 with line numbers, before any call', async () => {
    const { dir, env } = await world();
    const before = iam!.requests.length;
    const bad = writeTemp('bad.csv', 'user,iam_user\njdoe,jdoe\nbob\nx/y,z\n');
    const result = await runCli(['audit', '-r', demo, '--users', bad, '--report', join(dir, 'r')], builtinRegistry(), { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.csv:3: 1 columns, the header has 2');
    const csv = writeTemp('names.csv', 'user,nickname\njdoe,jd\n');
    const undeclared = await runCli(['audit', '-r', demo, '--users', csv, '--report', join(dir, 'r')], builtinRegistry(), { env });
    expect(undeclared.code).toBe(2);
    expect(undeclared.stderr).toContain('line 2 (jdoe): --set nickname: the runbook declares no variable "nickname"');
    expect(iam!.requests.length).toBe(before);
  });

  it('--shard audits only its part; the shards together audit everyone once', async () => {
    const { dir, env } = await world();
    const names = ['jdoe', 'rroe', ...cleanNames(40)];
    const seen: string[] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const result = await runCli(['audit', '-r', demo, '--users', departed(names), '--shard', shard, '--format', 'json', '--report', join(dir, shard.replace('/', '-'))], builtinRegistry(), { env });
      const json = JSON.parse(result.stdout);
      expect(json.summary.shard).toBe(shard);
      seen.push(...json.usersWithAccess.map((u: { user: string }) => u.user));
      expect(json.summary.users).toBeGreaterThan(5);
    }
    expect(seen.sort()).toEqual(['jdoe', 'rroe']);
  });
});
