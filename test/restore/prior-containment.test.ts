import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENY_ALL, denyAllPolicy, REVOKE_OLDER_SESSIONS, revokeOlderSessionsPolicy } from '../../src/providers/aws-iam/policies.js';
import { sessionCutoffOf } from '../../src/providers/aws-iam/kinds/sessions.js';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { sandboxEnvironment, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { runCli, writeTemp } from '../support/cli.js';
import { reportFiles } from '../support/reports.js';

// Contain first fires before discovery; restore relies on the prior state it records. A person
// contained by hand before the run (a deny-all policy, an earlier session cutoff) must get exactly
// that back from `revoke restore`, not less.
let sandbox: IamSandbox;
beforeAll(async () => {
  sandbox = await startIamSandbox();
});
afterAll(() => sandbox?.close());

const runbook = () =>
  writeTemp(
    'contain.yaml',
    `version: 1
name: contain
providers:
  aws:
    type: aws-iam
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    mode: disable
    revoke: [sessions, access-keys, user]
`,
  );

describe('contain first keeps the prior state restore needs (aws-iam)', () => {
  it('a deny-all policy and a session cutoff that were there before the run are there after restore', async () => {
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, 'prior', { accessKeys: 1 });
    const earlier = new Date(Date.now() - 3_600_000);
    await iam.putUserPolicy({ UserName: 'prior', PolicyName: DENY_ALL, PolicyDocument: denyAllPolicy() });
    await iam.putUserPolicy({ UserName: 'prior', PolicyName: REVOKE_OLDER_SESSIONS, PolicyDocument: revokeOlderSessionsPolicy(earlier) });
    const home = mkdtempSync(join(tmpdir(), 'revoke-prior-'));
    const reports = join(home, 'reports');
    const env = { ...sandboxEnvironment(sandbox), XDG_CONFIG_HOME: home };
    const run = await runCli(['user', 'prior', '-r', runbook(), '--yes', '--report', reports], builtinRegistry(), { env });
    expect(run.code, run.stderr).toBe(0);
    // The run replaced the stale cutoff with a new one.
    const cutoffAfterRun = sessionCutoffOf((await iam.getUserPolicy({ UserName: 'prior', PolicyName: REVOKE_OLDER_SESSIONS })).PolicyDocument);
    expect(cutoffAfterRun!.getTime()).toBeGreaterThan(earlier.getTime() + 60_000);

    const restored = await runCli(['restore', reportFiles(reports).reports[0]!, '--yes', '--also-sessions-policy'], builtinRegistry(), { env });
    expect(restored.code, restored.stderr).toBe(0);
    // The deny-all policy was there before the run: still there. The earlier cutoff is back.
    const policies = (await iam.listUserPolicies({ UserName: 'prior' })).PolicyNames!.sort();
    expect(policies).toEqual([DENY_ALL, REVOKE_OLDER_SESSIONS].sort());
    const cutoff = sessionCutoffOf((await iam.getUserPolicy({ UserName: 'prior', PolicyName: REVOKE_OLDER_SESSIONS })).PolicyDocument);
    expect(Math.abs(cutoff!.getTime() - earlier.getTime())).toBeLessThan(1_000);
    // The access key that was active before is active again.
    expect((await iam.listAccessKeys({ UserName: 'prior' })).AccessKeyMetadata!.map((k) => k.Status)).toEqual(['Active']);
  });
});
