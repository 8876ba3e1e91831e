import { IAM } from '@aws-sdk/client-iam';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { githubSandboxEnvironment, seedGitHubUser, seedOrg } from '../../src/sandbox/github/seed.js';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { sandboxEnvironment, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { runCli, writeTemp } from '../support/cli.js';
import { reportFiles } from '../support/reports.js';
import { ROOT, runBin } from '../support/spawn.js';

let iamSandbox: IamSandbox;
let github: GitHubSandbox;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  [iamSandbox, github] = await Promise.all([startIamSandbox({ seed: 7 }), startGitHubSandbox()]);
  env = { ...sandboxEnvironment(iamSandbox), ...githubSandboxEnvironment(github, seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['org-owner-bot'] })) };
});
afterAll(async () => Promise.all([iamSandbox?.close(), github?.close()]));

const runbook = `version: 1
name: contain
providers:
  aws:
    type: aws-iam
  gh:
    type: github
    org: acme
    writeIntervalMs: 0
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    mode: disable
    revoke: [access-keys, login-profile, user]
  - id: gh-membership
    provider: gh
    user: "{{user}}"
    revoke: [org-membership]
`;

describe('revoke restore through the built binary', () => {
  it('restores a contained person, and the restore report verifies with openssl as the README shows', async () => {
    const iam = sandboxIamClient(iamSandbox);
    await seedUser(iam, 'erin', { loginProfile: true });
    const created = (await iam.createAccessKey({ UserName: 'erin' })).AccessKey!;
    const asErin = new IAM({ endpoint: iamSandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: created.AccessKeyId!, secretAccessKey: created.SecretAccessKey! }, maxAttempts: 1 });
    seedGitHubUser(github, 'acme', { login: 'erin', role: 'admin', teams: ['security'] });
    const home = mkdtempSync(join(tmpdir(), 'revoke-restore-e2e-'));
    const reports = join(home, 'reports');
    // Containment in-process (cheap); the restore through the binary (what ships).
    const contained = await runCli(['user', 'erin', '-r', writeTemp('contain.yaml', runbook), '--yes', '--report', reports], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
    expect(contained.code, contained.stderr).toBe(0);
    await expect(asErin.getUser({ UserName: 'erin' })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const report = reportFiles(reports).reports[0]!;

    const restored = await runBin(['restore', report, '--yes'], { env: { ...env, XDG_CONFIG_HOME: home }, timeoutMs: 30_000 });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('These cannot be restored:');
    expect(restored.stdout).toMatch(/✉ invited {2}member of acme as admin, in teams security: invitation \d+ to acme as admin with teams security sent; needs erin to accept \[needs the person to accept\]/);
    await asErin.getUser({ UserName: 'erin' });
    expect(github.state.orgs.get('acme')!.invitations.find((i) => i.login === 'erin')?.role).toBe('admin');
    // No secret of the person or the operator in what restore printed or signed.
    const restoreReport = /Restore report \(signed, key [0-9a-f]+…\): (\S+)/.exec(restored.stdout)![1]!;
    const journal = reportFiles(reports).journals.find((j) => j.includes('-restore-erin-'))!;
    for (const secret of [created.SecretAccessKey!, iamSandbox.operator.secretAccessKey, env.GITHUB_TOKEN!]) {
      expect([restored.stdout, restored.stderr, readFileSync(restoreReport, 'utf8'), readFileSync(journal, 'utf8')].join('\n')).not.toContain(secret);
    }

    const block = /<!-- verify-with-openssl -->\n```sh\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1]!;
    const script = `set -euo pipefail\nREPORT=${JSON.stringify(restoreReport)}\nPUBKEY=${JSON.stringify(join(home, 'revoke', 'signing-key.pub.pem'))}\nJOURNAL=${JSON.stringify(journal)}\ncd ${JSON.stringify(home)}\n${block}\njq -r .predicateType payload.json`;
    const openssl = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(openssl.status, openssl.stderr).toBe(0);
    expect(openssl.stdout).toMatch(/Verified OK|Signature Verified Successfully/);
    expect(openssl.stdout).toContain('journal chain OK');
    expect(openssl.stdout).toContain('urn:revoke:restore:v1');
  }, 60_000);
});
