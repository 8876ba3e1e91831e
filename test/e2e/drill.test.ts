import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sandboxIamClient } from '../../src/sandbox/iam/seed.js';
import { writeTemp } from '../support/cli.js';
import { runBin } from '../support/spawn.js';
import { drillWorld, type DrillWorld } from '../drill/drill-world.js';

let world: DrillWorld;
beforeAll(async () => {
  world = await drillWorld();
}, 60_000);
afterAll(async () => world?.close());

it('revoke drill through the built binary: canaries on IAM and PostgreSQL, SLA met (exit 0), canaries removed, report verifies and shows', async () => {
  const runbook = writeTemp(
    'drill.yaml',
    `version: 1
name: staging-drill
providers:
  aws:
    type: aws-iam
    sla: 30s
  db:
    type: postgres
    connectionStringEnv: REVOKE_PG_URL
    sla: 30s
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    revoke: [sessions, access-keys, user]
  - id: db-contain
    provider: db
    user: "{{user}}"
    revoke: [login, sessions]
`,
  );
  const config = mkdtempSync(join(tmpdir(), 'revoke-drill-e2e-'));
  const env = { ...world.env, XDG_CONFIG_HOME: config };
  const reports = join(config, 'reports');
  const drill = await runBin(['drill', '-r', runbook, '--canary', 'e2e-canary', '--report', reports], { env, timeoutMs: 60_000 });
  expect(drill.code, drill.stderr).toBe(0);
  expect(drill.stdout).toMatch(/drill of runbook staging-drill with canary e2e-canary: every credential denied within its SLA \(exit 0\)/);
  expect(drill.stdout).toMatch(/aws: GetSessionToken session \(MFA\) of access key AKIA\w+: within-sla, denied after [\d.]+ s \(SLA 30 s\)/);
  expect(drill.stdout).toMatch(/db: open session of role e2e-canary: within-sla/);
  await expect(sandboxIamClient(world.iam).getUser({ UserName: 'e2e-canary' })).rejects.toThrow(/cannot be found/);
  expect(await world.server.sql("SELECT 1 FROM pg_roles WHERE rolname = 'e2e-canary'")).toHaveLength(0);

  const report = /Drill report \(signed[^)]*\): (\S+)/.exec(drill.stderr)![1]!;
  const key = join(config, 'revoke', 'signing-key.pub.pem');
  const verify = await runBin(['verify', report, '--key', key], { env });
  expect(verify.code, verify.stderr).toBe(0);
  expect(verify.stdout).toMatch(/drill with canary e2e-canary and runbook staging-drill: 4 credentials probed; every credential denied within its SLA \(exit 0\)/);
  const show = await runBin(['report', 'show', report, '--key', key, '--format', 'md'], { env });
  expect(show.code, show.stderr).toBe(0);
  expect(show.stdout).toMatch(/## revoke drill report/);
  expect(readFileSync(report, 'utf8')).toContain('application/vnd.in-toto+json');
}, 90_000);
