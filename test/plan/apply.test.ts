import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { iamWorld, type IamWorld } from '../support/iam.js';
import { ROOT } from '../support/spawn.js';
import { sandboxIamClient } from '../../src/sandbox/iam/seed.js';

let world: IamWorld;
afterEach(async () => world?.sandbox.close());

async function planned(spec = { accessKeys: 1, groups: ['devs'] }, extra: string[] = []) {
  world = await iamWorld();
  await world.seed('jdoe', spec);
  const dir = mkdtempSync(join(tmpdir(), 'revoke-plan-'));
  const runbook = join(dir, 'offboarding.yaml');
  copyFileSync(join(ROOT, 'test/fixtures/aws-offboarding.yaml'), runbook);
  const plan = join(dir, 'jdoe.plan.json');
  const env = { XDG_CONFIG_HOME: dir };
  const dry = await world.revoke(['user', 'jdoe', '-r', runbook, '--dry-run', '--plan-out', plan, ...extra], env);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).toContain(`Plan (signed): ${plan}; apply exactly it with: revoke apply ${plan}`);
  return { dir, runbook, plan, env };
}

describe('saved plans and revoke apply (IAM sandbox)', () => {
  it('applies exactly the signed plan', async () => {
    const { plan, env } = await planned();
    const envelope = JSON.parse(readFileSync(plan, 'utf8'));
    expect(envelope.payloadType).toBe('application/vnd.revoke.plan+json');
    const saved = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
    expect(saved).toMatchObject({ planVersion: 1, user: 'jdoe', runbook: { name: 'aws-offboarding' } });
    expect(saved.steps.flatMap((s: { findings: unknown[] }) => s.findings).length).toBeGreaterThan(3);
    const applied = await world.revoke(['apply', plan, '--yes', '--json'], env);
    expect(applied.code, applied.stderr).toBe(0);
    const result = JSON.parse(applied.stdout);
    const done = result.steps.flatMap((s: { id: string; findings: Array<{ kind: string; id: string }> }) => s.findings.map((f) => `${s.id}/${f.kind}/${f.id}`));
    const approved = saved.steps.flatMap((s: { id: string; findings: Array<{ kind: string; id: string }> }) => s.findings.map((f) => `${s.id}/${f.kind}/${f.id}`));
    expect(done.sort()).toEqual(approved.sort());
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
  });

  it('refuses a stale plan with a readable diff, changing nothing', async () => {
    const { plan, env } = await planned();
    const extra = await sandboxIamClient(world.sandbox).createAccessKey({ UserName: 'jdoe' });
    const before = world.sandbox.requests.length;
    const applied = await world.revoke(['apply', plan, '--yes'], env);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toContain('error: the plan is stale: the world changed since it was approved; nothing was done');
    expect(applied.stderr).toContain(`aws-contain: + access key ${extra.AccessKey!.AccessKeyId}`);
    expect(applied.stderr).toContain('(found now, not in the plan)');
    expect(applied.stderr).toContain('fix: make a new plan');
    expect(world.sandbox.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
  });

  it('with --allow-drift revokes only what the plan lists and reports the rest', async () => {
    const { plan, env } = await planned({ accessKeys: 1, groups: [] });
    const extra = (await sandboxIamClient(world.sandbox).createAccessKey({ UserName: 'jdoe' })).AccessKey!.AccessKeyId!;
    const applied = await world.revoke(['apply', plan, '--yes', '--allow-drift', '--json', '--concurrency', '4'], env);
    const result = JSON.parse(applied.stdout);
    const newKey = result.steps.flatMap((s: { findings: Array<{ id: string; outcome: string; detail?: string }> }) => s.findings).filter((f: { id: string }) => f.id === extra);
    expect(newKey.length).toBeGreaterThan(0);
    for (const f of newKey) expect(f).toMatchObject({ outcome: 'skipped', detail: 'not in the approved plan; not revoked' });
    const key = world.sandbox.state.users.get('jdoe')?.accessKeys.find((k) => k.id === extra);
    expect(key?.status).toBe('Active');
    // What was approved is revoked; the user itself cannot be deleted while the unapproved key
    // exists, so the run fails honestly (exit 1) and says what blocks it.
    const saved = JSON.parse(Buffer.from(JSON.parse(readFileSync(plan, 'utf8')).payload, 'base64').toString());
    const approved = saved.steps.flatMap((s: { id: string; findings: Array<{ id: string }> }) => s.findings.map((f) => `${s.id}/${f.id}`));
    const outcomes = new Map<string, { outcome: string; error?: string }>(result.steps.flatMap((s: { id: string; findings: Array<{ id: string; outcome: string; error?: string }> }) => s.findings.map((f) => [`${s.id}/${f.id}`, f])));
    const userDelete = approved.find((id: string) => id.startsWith('aws-remove/') && id.endsWith('delete-user'));
    expect(userDelete).toBeDefined();
    for (const id of approved) if (id !== userDelete) expect(['revoked', 'already-gone'], id).toContain(outcomes.get(id)?.outcome);
    expect(outcomes.get(userDelete)).toMatchObject({ outcome: 'failed', error: expect.stringContaining(extra) });
    expect(applied.code).toBe(1);
    expect(world.sandbox.state.users.get('jdoe')!.accessKeys.map((k) => k.id)).toEqual([extra]);
  });

  it('refuses a plan whose signature does not verify, or whose runbook changed', async () => {
    const { plan, env, runbook } = await planned();
    const envelope = JSON.parse(readFileSync(plan, 'utf8'));
    const saved = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
    saved.steps[0].findings = [];
    const forged = plan.replace('.json', '.forged.json');
    writeFileSync(forged, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(saved)).toString('base64') }));
    const refused = await world.revoke(['apply', forged, '--yes'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not signed by the expected key, or was changed after it was signed; nothing was done');
    writeFileSync(runbook, `${readFileSync(runbook, 'utf8')}# edited\n`);
    const changed = await world.revoke(['apply', plan, '--yes'], env);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('changed since the plan');
    expect(world.sandbox.state.users.get('jdoe')?.accessKeys[0]?.status).toBe('Active');
  });

  it('--plan-out needs --dry-run and a writable place; apply without a terminal needs --yes', async () => {
    const { plan, env, runbook, dir } = await planned();
    expect((await world.revoke(['user', 'jdoe', '-r', runbook, '--yes', '--plan-out', plan], env)).code).toBe(2);
    const nowhere = await world.revoke(['user', 'jdoe', '-r', runbook, '--dry-run', '--plan-out', join(dir, 'missing', 'p.json')], env);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain(`error: --plan-out ${join(dir, 'missing', 'p.json')}: cannot write into ${join(dir, 'missing')}: does not exist (ENOENT)`);
    const noYes = await world.revoke(['apply', plan], env);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes');
  });

  it('records where it was made and until when; an expired plan is refused before anything connects', async () => {
    const { plan, env } = await planned({ accessKeys: 1, groups: [] }, ['--plan-ttl', '1s']);
    const saved = JSON.parse(Buffer.from(JSON.parse(readFileSync(plan, 'utf8')).payload, 'base64').toString());
    expect(new Date(saved.expiresAt).getTime() - new Date(saved.createdAt).getTime()).toBe(1000);
    expect(saved.actors).toEqual([{ provider: 'aws', providerType: 'aws-iam', actor: expect.stringMatching(/^arn:aws:iam::\d{12}:/) }]);
    expect(saved.steps.map((s: { user: string }) => s.user)).toEqual(['jdoe', 'jdoe']);
    await new Promise((r) => setTimeout(r, 1100));
    const before = world.sandbox.requests.length;
    const applied = await world.revoke(['apply', plan, '--yes'], env);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toMatch(/error: the plan .* expired at \d{4}-\d\d-\d\dT[\d:.]+Z; nothing was done/);
    expect(world.sandbox.requests.length).toBe(before);
    expect(world.sandbox.state.users.get('jdoe')?.accessKeys[0]?.status).toBe('Active');
  });

  it('one strict verifier: extra envelope fields, a non-canonical signature and a key that is not a key are refused (exit 2)', async () => {
    const { plan, env, dir } = await planned({ accessKeys: 1, groups: [] });
    const envelope = JSON.parse(readFileSync(plan, 'utf8'));
    const variants = {
      extra: { ...envelope, note: 'added after signing' },
      sloppySig: { ...envelope, signatures: envelope.signatures.map((s: { keyid: string; sig: string }) => ({ ...s, sig: `${s.sig}\n` })) },
      extraSigField: { ...envelope, signatures: envelope.signatures.map((s: { keyid: string; sig: string }) => ({ ...s, cert: 'x' })) },
    };
    for (const [name, variant] of Object.entries(variants)) {
      const file = join(dir, `${name}.plan.json`);
      writeFileSync(file, JSON.stringify(variant));
      const applied = await world.revoke(['apply', file, '--yes'], env);
      expect(applied.code, name).toBe(2);
      expect(applied.stderr, name).toContain('nothing was done');
    }
    const notAKey = join(dir, 'not-a-key.pem');
    writeFileSync(notAKey, 'hello\n');
    const badKey = await world.revoke(['apply', plan, '--yes', '--key', notAKey], env);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain(`error: ${notAKey} is not a PEM public key`);
    expect(badKey.stderr).not.toContain('internal error');
    const missing = await world.revoke(['apply', plan, '--yes', '--key', join(dir, 'missing.pem')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--key ${join(dir, 'missing.pem')}: cannot read the file`);
    expect(world.sandbox.state.users.get('jdoe')?.accessKeys[0]?.status).toBe('Active');
    // revoke verify says what a plan is.
    const verified = await world.revoke(['verify', plan, '--key', join(dir, 'revoke', 'signing-key.pub.pem')], env);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/valid: plan for jdoe with runbook aws-offboarding \(\d+ findings in 2 steps\), made \S+ against aws: arn:aws:iam::123456789012:user\/revoke-operator; expires \S+/);
  });
});
