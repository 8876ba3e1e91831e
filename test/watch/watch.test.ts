import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAM } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { runCli } from '../support/cli.js';
import { iamWorld, sandboxEnv, type IamWorld } from '../support/iam.js';
import { reportFiles } from '../support/reports.js';
import { ROOT } from '../support/spawn.js';

let world: IamWorld;
afterEach(async () => world?.sandbox.close());
const runbook = join(ROOT, 'test', 'fixtures', 'aws-offboarding.yaml');

/** jdoe with an access key whose secret we keep (to play the attacker); contained by a real run. */
async function contained(runbookFile = runbook) {
  world = await iamWorld();
  await world.seed('jdoe', { accessKeys: 0 });
  const key = world.sandbox.state.createAccessKey('jdoe');
  const dir = mkdtempSync(join(tmpdir(), 'revoke-watch-'));
  const keygen = await runCli(['keygen', '--out', join(dir, 'signer')], builtinRegistry());
  expect(keygen.code).toBe(0);
  const common = ['--report', join(dir, 'reports'), '--sign-key', join(dir, 'signer.key')];
  const run = await world.revoke(['user', 'jdoe', '-r', runbookFile, '--yes', '--only', 'aws-contain', ...common]);
  expect(run.code, run.stderr).toBe(0);
  const report = reportFiles(join(dir, 'reports')).reports[0]!;
  const attacker = new IAM({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
  const watch = (extra: string[] = [], options: Parameters<typeof runCli>[2] = {}) =>
    runCli(['watch', report, '--key', join(dir, 'signer.pub'), '--report', join(dir, 'watch'), '--sign-key', join(dir, 'signer.key'), ...extra], builtinRegistry(), { env: sandboxEnv(world.sandbox), ...options });
  return { key, report, attacker, watch, dir };
}

describe('revoke watch (IAM sandbox with CloudTrail LookupEvents)', () => {
  it('a request signed with the revoked key is rejected, and watch reports it (exit 3)', async () => {
    const { key, attacker, watch } = await contained();
    await expect(attacker.listUsers({})).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const result = await watch(['--json']);
    expect(result.code, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout);
    expect(json.events).toHaveLength(1);
    expect(json.events[0]).toMatchObject({ provider: 'aws', identity: 'jdoe', what: `iam.amazonaws.com ListUsers in us-east-1 with access key ${key.id}: InvalidClientTokenId`, outcome: 'denied' });
    const text = await watch();
    expect(text.stdout).toContain('1 use or attempt by jdoe since');
  });

  it('a quiet identity exits 0', async () => {
    const { watch } = await contained();
    const result = await watch();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Quiet: no use or attempted use by jdoe since /);
  });

  it('--follow prints a new attempt within one interval', async () => {
    const { attacker, watch } = await contained();
    const signals = new EventEmitter();
    let printedAt = 0;
    let output = '';
    const running = watch(['--follow', '--interval', '1s'], {
      signals,
      onStdout: (chunk) => {
        output += chunk;
        if (!printedAt && chunk.includes('InvalidClientTokenId')) printedAt = Date.now();
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    const attemptedAt = Date.now();
    await attacker.getUser({ UserName: 'jdoe' }).catch(() => undefined);
    while (!printedAt && Date.now() - attemptedAt < 8000) await new Promise((r) => setTimeout(r, 20));
    signals.emit('SIGINT');
    const result = await running;
    expect(result.code).toBe(130);
    expect(output).toMatch(/aws jdoe: iam\.amazonaws\.com GetUser in us-east-1 with access key \w+: InvalidClientTokenId \[denied\]/);
    expect(printedAt).toBeGreaterThan(0);
    // Within one interval (1 s, the floor) plus a margin for a loaded 2-core machine.
    expect(printedAt - attemptedAt).toBeLessThan(1000 + 1500);
  });

  it('refuses a report that does not verify', async () => {
    const { report, dir } = await contained();
    const other = await runCli(['keygen', '--out', join(dir, 'other')], builtinRegistry());
    expect(other.code).toBe(0);
    const result = await runCli(['watch', report, '--key', join(dir, 'other.pub')], builtinRegistry(), { env: sandboxEnv(world.sandbox) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`refusing to watch ${report}: it does not verify (signature:`);
  });

  it('reads CloudTrail in every enabled region: a key used in eu-west-1 is seen, an unreadable region is named', async () => {
    const { key, watch, dir } = await contained();
    const inIreland = new IAM({ endpoint: world.sandbox.endpoint, region: 'eu-west-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    await expect(inIreland.listUsers({})).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    world.sandbox.regions.cloudTrailDenied.add('ap-east-1');
    const before = world.sandbox.requests.length;
    const result = await watch(['--json']);
    const json = JSON.parse(result.stdout);
    expect(json.events.map((e: { what: string }) => e.what)).toEqual([`iam.amazonaws.com ListUsers in eu-west-1 with access key ${key.id}: InvalidClientTokenId`]);
    expect(json.skipped).toEqual([{ provider: 'aws', reason: expect.stringMatching(/^CloudTrail not readable in ap-east-1 \(AccessDenied\w*: .*\): use there is not checked$/) }]);
    const looked = new Set(world.sandbox.requests.slice(before).filter((r) => r.action === 'LookupEvents').map((r) => r.region));
    const enabled = [...world.sandbox.regions.status].filter(([, status]) => status !== 'DISABLED').map(([name]) => name);
    expect([...looked].sort()).toEqual(enabled.sort());
    expect(looked.has('af-south-1')).toBe(false);
    // revoke verify says what a watch report attests.
    const verified = await runCli(['verify', json.report, '--key', join(dir, 'signer.pub')], builtinRegistry());
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/valid: watch of run \S+-jdoe-\S+ for jdoe since \S+: 1 event, 1 not checked \(exit 3, incomplete\)/);
  });

  it('watchRegions on the provider limits where it looks; a region it leaves out is not read', async () => {
    const onlyUsEast = join(mkdtempSync(join(tmpdir(), 'revoke-watch-rb-')), 'us-east-only.yaml');
    writeFileSync(onlyUsEast, readFileSync(runbook, 'utf8').replace('type: aws-iam', 'type: aws-iam\n    watchRegions: [us-east-1]'));
    expect(readFileSync(onlyUsEast, 'utf8')).toContain('watchRegions: [us-east-1]');
    const { key, watch } = await contained(onlyUsEast);
    const inIreland = new IAM({ endpoint: world.sandbox.endpoint, region: 'eu-west-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    await expect(inIreland.listUsers({})).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const before = world.sandbox.requests.length;
    const result = await watch(['--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(new Set(world.sandbox.requests.slice(before).filter((r) => r.action === 'LookupEvents').map((r) => r.region))).toEqual(new Set(['us-east-1']));
  });
});
