import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { sandboxEnvironment, sandboxIamClient } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { startSlackSandbox, type SlackSandbox } from '../../src/sandbox/slack/server.js';
import { writeTemp } from '../support/cli.js';
import { reportFiles } from '../support/reports.js';
import { runBin } from '../support/spawn.js';

let github: GitHubSandbox;
let slack: SlackSandbox;
let iam: IamSandbox;
beforeAll(async () => {
  [github, slack, iam] = await Promise.all([startGitHubSandbox(), startSlackSandbox(), startIamSandbox()]);
});
afterAll(async () => Promise.all([github?.close(), slack?.close(), iam?.close()]));

describe('revoke secret through the built binary', () => {
  it('a gitleaks report: GitHub, Slack and AWS secrets revoked, an unrecognised one reported (exit 1), no secret anywhere, the report shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revoke-e2e-secret-'));
    const ghToken = `ghp_${'Zq9'.repeat(12)}`;
    const slackToken = `xoxp-${'7'.repeat(12)}-${'a1B2'.repeat(8)}`;
    github.state.tokens.set(ghToken, { login: 'leaky', scopes: ['repo'] });
    slack.tokens.set(slackToken, { team: 'Acme', teamId: 'T1', user: 'leaky', userId: 'U1' });
    const admin = sandboxIamClient(iam);
    await admin.createUser({ UserName: 'ci' });
    const { AccessKey: key } = await admin.createAccessKey({ UserName: 'ci' });
    const finding = (secret: string, line: number, rule: string) => ({ Description: rule, StartLine: line, Secret: secret, Match: secret, File: 'deploy/.env', Commit: 'c0ffee', RuleID: rule });
    const report = join(dir, 'gitleaks.json');
    writeFileSync(report, JSON.stringify([finding(ghToken, 1, 'github-pat'), finding(slackToken, 2, 'slack-user-token'), finding(`${key!.AccessKeyId} ${key!.SecretAccessKey}`, 3, 'aws'), finding('correct-horse-battery', 4, 'generic-api-key')], null, 1));
    const runbook = writeTemp('rb.yaml', 'version: 1\nname: leaks\nproviders:\n  aws:\n    type: aws-iam\nsteps:\n  - id: aws\n    provider: aws\n    user: "{{user}}"\n    revoke: [access-keys]\n');

    const env = { ...sandboxEnvironment(iam), GITHUB_API_URL: github.url, SLACK_API_URL: slack.url };
    const run = await runBin(['secret', '--from', report, '-r', runbook, '--yes', '--json', '--report', join(dir, 'reports')], { env, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(1);
    const document = JSON.parse(run.stdout) as { secrets: Array<{ status: string; context: { file: string; commit: string; line: number } }> };
    expect(document.secrets.map((s) => s.status)).toEqual(['revoked', 'revoked', 'revoked', 'not-revoked']);
    expect(document.secrets[0]!.context).toEqual({ format: 'gitleaks', file: 'deploy/.env', commit: 'c0ffee', line: 1, rule: 'github-pat' });
    expect(github.state.tokens.has(ghToken)).toBe(false);
    expect(slack.tokens.has(slackToken)).toBe(false);
    expect(iam.state.user('ci').accessKeys[0]!.status).toBe('Inactive');

    const files = readdirSync(join(dir, 'reports')).map((name) => readFileSync(join(dir, 'reports', name), 'utf8'));
    for (const secret of [ghToken, slackToken, key!.SecretAccessKey!, 'correct-horse-battery']) {
      for (const text of [run.stdout, run.stderr, ...files]) expect(text.includes(secret)).toBe(false);
    }

    const [signed] = reportFiles(join(dir, 'reports')).reports;
    const shown = await runBin(['report', 'show', signed!], { env: { XDG_CONFIG_HOME: join(dir, 'no-key') } });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/secret run .* \(real run\) on 4 secret\(s\)/);
    expect(shown.stdout).toMatch(/input line 2 \(deploy\/\.env, line 1, commit c0ffee\): GitHub personal access token \(classic\) \[github-token …9Zq9 sha256:[0-9a-f]{12}\]: REVOKED/);
  }, 60_000);
});
