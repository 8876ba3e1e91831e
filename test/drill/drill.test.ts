import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { sandboxIamClient } from '../../src/sandbox/iam/seed.js';
import { CANARY_PATH } from '../../src/providers/aws-iam/canary.js';
import { verifyReport } from '../../src/report/verify.js';
import { runCli, writeTemp } from '../support/cli.js';
import { drillWorld, type DrillWorld } from './drill-world.js';

let world: DrillWorld;
beforeAll(async () => {
  world = await drillWorld();
}, 60_000);
afterAll(async () => world?.close());

/** aws-iam contain + remove, and postgres disable, with SLAs. */
const runbook = ({ awsSla = '5s', pgSla = '5s', pgStep = true } = {}) =>
  writeTemp(
    'drill.yaml',
    `version: 1
name: drill-test
providers:
  aws:
    type: aws-iam
    sla: ${awsSla}
  db:
    type: postgres
    connectionStringEnv: REVOKE_PG_URL
protect:
  aws: [revoke-operator]
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    mode: disable
    revoke: [sessions, access-keys, user]
  - id: aws-remove
    provider: aws
    user: "{{user}}"
    mode: delete
    revoke: [all]
    dependsOn: [aws-contain]
${
  pgStep
    ? `  - id: db-contain
    provider: db
    user: "{{user}}"
    mode: disable
    revoke: [login, sessions]
    sla: ${pgSla}
`
    : ''
}`,
  );

const drill = (args: string[], options: { signals?: EventEmitter } = {}) =>
  runCli(['drill', ...args, ...(args.includes('--report') ? [] : ['--report', join(writeTemp('x', '').replace(/\/x$/, ''), 'reports')])], builtinRegistry(), { env: world.env, ...options });

const iamUserExists = async (name: string) =>
  sandboxIamClient(world.iam)
    .getUser({ UserName: name })
    .then(() => true, () => false);
const roleExists = async (name: string) => (await world.server.sql(`SELECT 1 FROM pg_roles WHERE rolname = '${name}'`)).length > 0;

describe('revoke drill', () => {
  it('revokes the canary for real, measures each credential until denied, exits 0 within the SLA and removes the canary', async () => {
    const { code, stdout, stderr, scratch } = await drill(['-r', runbook(), '--canary', 'drill-ok', '--json']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.credentials.map((c: { provider: string; credential: string }) => `${c.provider}/${c.credential}`).sort()).toEqual(['aws/access-key', 'aws/session', 'db/login', 'db/open-session']);
    for (const c of result.credentials) {
      expect(c.verdict).toBe('within-sla');
      expect(c.slaMs).toBe(5000);
      expect(c.timeToDenyMs).toBeLessThan(5000);
    }
    expect(result.revocation).toEqual({ status: 'completed', exitCode: 0 });
    expect(result.cleanup.leftovers).toEqual([]);
    // The canary is gone on both systems, and nothing else was touched.
    expect(await iamUserExists('drill-ok')).toBe(false);
    expect(await roleExists('drill-ok')).toBe(false);
    expect(await iamUserExists('revoke-operator')).toBe(true);
    expect(world.iam.state.virtualMfa.size).toBe(0);
    // Never a secret in the output or the journal.
    const journal = readFileSync(result.report.replace('.intoto.json', '.journal.jsonl'), 'utf8');
    for (const text of [stdout, stderr, journal]) expect(text).not.toMatch(/sandbox-secret|sandbox-session-token|PASSWORD '/);
    // The signed report verifies and says what the drill measured.
    const publicKey = readFileSync(join(scratch, 'revoke', 'signing-key.pub.pem'), 'utf8');
    const verification = verifyReport(result.report, publicKey);
    expect(verification.valid, JSON.stringify(verification.checks)).toBe(true);
    expect(verification.statement?.predicateType).toBe('urn:revoke:drill:v1');
  }, 60_000);

  it('exits 3 when IAM enforces the revocation later than the SLA (eventual consistency)', async () => {
    world.iam.enforcement.delayMs = 1500;
    try {
      const { code, stdout, stderr } = await drill(['-r', runbook({ awsSla: '500ms', pgStep: false }), '--canary', 'drill-lag', '--json']);
      expect(code, stderr).toBe(3);
      const result = JSON.parse(stdout);
      for (const c of result.credentials) {
        expect(c.verdict).toBe('over-sla');
        expect(c.timeToDenyMs).toBeGreaterThanOrEqual(1000);
        expect(c.lastAllowedMs).toBeGreaterThan(500); // it really kept working past the SLA
      }
    } finally {
      world.iam.enforcement.delayMs = 0;
    }
    expect(await iamUserExists('drill-lag')).toBe(false);
  }, 60_000);

  it('refuses (exit 2) a canary name that exists and was not made by a drill, and changes nothing', async () => {
    await sandboxIamClient(world.iam).createUser({ UserName: 'alice-real' });
    const before = world.iam.requests.filter((r) => r.mutating).length;
    const { code, stderr } = await drill(['-r', runbook({ pgStep: false }), '--canary', 'alice-real']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/IAM user alice-real already exists and was not made by revoke drill/);
    expect(world.iam.requests.filter((r) => r.mutating).length).toBe(before);
    expect(await iamUserExists('alice-real')).toBe(true);
  }, 30_000);

  it('takes over a leftover canary of an earlier drill (marked by its path) instead of refusing it', async () => {
    const iam = sandboxIamClient(world.iam);
    await iam.createUser({ UserName: 'drill-left', Path: CANARY_PATH });
    await iam.createAccessKey({ UserName: 'drill-left' });
    const { code, stderr } = await drill(['-r', runbook({ pgStep: false }), '--canary', 'drill-left']);
    expect(code, stderr).toBe(0);
    expect(await iamUserExists('drill-left')).toBe(false);
  }, 30_000);

  it('exits 1 when a step fails during the revocation, measures the rest, and still removes the canary', async () => {
    // The contain step names a role that does not exist: its discovery fails, so the step fails.
    const failing = writeTemp(
      'fail.yaml',
      `version: 1
name: drill-fail
providers:
  aws:
    type: aws-iam
  db:
    type: postgres
    connectionStringEnv: REVOKE_PG_URL
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    revoke: [access-keys, sessions]
    roles: [no-such-role]
  - id: db-contain
    provider: db
    user: "{{user}}"
    revoke: [login, sessions]
`,
    );
    const { code, stdout, stderr } = await drill(['-r', failing, '--canary', 'drill-fail', '--deadline', '1s', '--json']);
    expect(code, stderr).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.revocation.exitCode).toBe(1);
    const verdicts = Object.fromEntries(result.credentials.map((c: { provider: string; credential: string; verdict: string }) => [`${c.provider}/${c.credential}`, c.verdict]));
    // Containment (keys, sessions) still went out first; the database step ran regardless.
    expect(verdicts).toMatchObject({ 'db/login': 'denied', 'db/open-session': 'denied' });
    expect(result.revocation.status).toBe('failed');
    expect(await iamUserExists('drill-fail')).toBe(false);
    expect(await roleExists('drill-fail')).toBe(false);
  }, 60_000);

  it('what cleanup cannot remove is printed with the command to remove it (exit 1)', async () => {
    const dbOnly = writeTemp(
      'db.yaml',
      `version: 1
name: drill-leftover
providers:
  db:
    type: postgres
    connectionStringEnv: REVOKE_PG_URL
steps:
  - id: db-login
    provider: db
    user: "{{user}}"
    revoke: [login]
`,
    );
    const running = drill(['-r', dbOnly, '--canary', 'drill-owner', '--deadline', '2s']);
    // While the open session is still probed (the step leaves sessions alone), the canary comes to own a table.
    for (const until = Date.now() + 20_000; !(await roleExists('drill-owner')) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    await world.server.sql('CREATE TABLE drill_owned (id int)');
    await world.server.sql('ALTER TABLE drill_owned OWNER TO "drill-owner"');
    const { code, stdout, stderr } = await running;
    try {
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/db: cleanup could not remove role drill-owner in postgres \(.*owns.*\); remove it with: psql -c 'DROP ROLE "drill-owner"'/);
      expect(stdout).toMatch(/! db: not removed: role drill-owner/);
      expect(await roleExists('drill-owner')).toBe(true);
    } finally {
      await world.server.sql('DROP TABLE drill_owned');
      await world.server.sql('DROP ROLE "drill-owner"');
    }
  }, 60_000);

  it('on Ctrl-C stops probing, removes the canary and signs a partial report (exit 130)', async () => {
    const signals = new EventEmitter();
    const sessionIssued = () => world.iam.requests.some((r) => r.action === 'GetSessionToken' && r.status === 200);
    const revoking = () => world.iam.requests.some((r) => r.action === 'PutUserPolicy' && r.params.PolicyName === 'AWSRevokeOlderSessions' && r.params.UserName === 'drill-int');
    const poll = async (condition: () => boolean) => {
      for (const until = Date.now() + 20_000; !condition() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    };
    world.iam.requests.length = 0;
    try {
      const running = drill(['-r', runbook({ pgStep: false }), '--canary', 'drill-int', '--json'], { signals });
      await poll(sessionIssued);
      world.iam.enforcement.delayMs = 60_000; // from now on nothing is enforced: the credentials keep working
      await poll(revoking);
      signals.emit('SIGINT');
      const { code, stdout, stderr } = await running;
      expect(code, stderr).toBe(130);
      const result = JSON.parse(stdout);
      expect(result.status).toBe('interrupted');
      expect(result.credentials.map((c: { verdict: string }) => c.verdict)).toEqual(['not-probed', 'not-probed']);
      expect(result.report).toMatch(/\.intoto\.json$/);
      const publicKey = readFileSync(join(/note: created a signing key .*: (\S+)/.exec(stderr)![1]!), 'utf8');
      expect(verifyReport(result.report, publicKey).valid).toBe(true);
    } finally {
      world.iam.enforcement.delayMs = 0;
    }
    // Cleanup's calls were lagged too, but IAM itself (the control plane) has removed the canary.
    expect(await iamUserExists('drill-int')).toBe(false);
  }, 60_000);
});

