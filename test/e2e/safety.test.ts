import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAM } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxEnvironment } from '../../src/sandbox/iam/seed.js';
import { iamWorld, type IamWorld } from '../support/iam.js';
import { reportFiles } from '../support/reports.js';
import { ROOT, runBin } from '../support/spawn.js';

let world: IamWorld;
afterEach(async () => world?.sandbox.close());

/** The built binary against the IAM sandbox, with one config folder (one default signing key) per test. */
async function binaryWorld() {
  world = await iamWorld();
  const dir = mkdtempSync(join(tmpdir(), 'revoke-e2e-safety-'));
  const runbook = join(dir, 'offboarding.yaml');
  copyFileSync(join(ROOT, 'test/fixtures/aws-offboarding.yaml'), runbook);
  const env = { ...sandboxEnvironment(world.sandbox), XDG_CONFIG_HOME: dir };
  const bin = (args: string[], extra: NodeJS.ProcessEnv = {}) => runBin([...args, '--report', join(dir, 'reports')], { env: { ...env, ...extra }, timeoutMs: 30_000 });
  return { dir, runbook, env, bin };
}

describe('the built binary: plan binding and watch regions behave as in-process', () => {
  it('apply refuses a plan made against another identity, and an expired plan; applies the right one', async () => {
    const { dir, runbook, bin } = await binaryWorld();
    await world.seed('jdoe', { accessKeys: 1 });
    const plan = join(dir, 'jdoe.plan.json');
    const made = await bin(['user', 'jdoe', '-r', runbook, '--dry-run', '--plan-out', plan]);
    expect(made.code, made.stderr).toBe(0);

    world.sandbox.state.createUser('other-operator');
    const other = world.sandbox.state.createAccessKey('other-operator');
    const before = world.sandbox.requests.length;
    const foreign = await bin(['apply', plan, '--yes'], { AWS_ACCESS_KEY_ID: other.id, AWS_SECRET_ACCESS_KEY: other.secret });
    expect(foreign.code, foreign.stderr).toBe(2);
    expect(foreign.stderr).toMatch(/aws: planned against arn:aws:iam::123456789012:user\/revoke-operator\n\s+connected as\s+arn:aws:iam::123456789012:user\/other-operator/);
    expect(foreign.stderr).not.toContain(other.secret);
    expect(world.sandbox.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
    // Not even a read of the person: connect's identity check is all a foreign account sees.
    expect(world.sandbox.requests.slice(before).map((r) => r.action)).toEqual(['GetCallerIdentity']);

    const shortLived = join(dir, 'short.plan.json');
    expect((await bin(['user', 'jdoe', '-r', runbook, '--dry-run', '--plan-out', shortLived, '--plan-ttl', '1s'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await bin(['apply', shortLived, '--yes']);
    expect(expired.code).toBe(2);
    expect(expired.stderr).toContain('expired at');

    const applied = await bin(['apply', plan, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
  });

  it('watch sees a revoked key tried in eu-west-1 and names a region it could not read', async () => {
    const { dir, runbook, bin } = await binaryWorld();
    await world.seed('jdoe', { accessKeys: 0 });
    const key = world.sandbox.state.createAccessKey('jdoe');
    const run = await bin(['user', 'jdoe', '-r', runbook, '--yes', '--only', 'aws-contain']);
    expect(run.code, run.stderr).toBe(0);
    const report = reportFiles(join(dir, 'reports')).reports[0]!;
    const attacker = new IAM({ endpoint: world.sandbox.endpoint, region: 'eu-west-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    await expect(attacker.listUsers({})).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    world.sandbox.regions.cloudTrailDenied.add('sa-east-1');
    const watched = await bin(['watch', report, '--json']);
    expect([3, 4], watched.stderr).toContain(watched.code);
    const json = JSON.parse(watched.stdout);
    expect(json.events.map((e: { what: string }) => e.what)).toEqual([`iam.amazonaws.com ListUsers in eu-west-1 with access key ${key.id}: InvalidClientTokenId`]);
    expect(json.skipped[0].reason).toMatch(/^CloudTrail not readable in sa-east-1 /);
  });
});
