import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyProvider, type EveryProvider } from '../support/every-provider.js';
import { runBin } from '../support/spawn.js';
import { startThreeProviders, type ThreeProviders } from '../support/worlds.js';

// Contain first makes a run concurrent: containment, discovery's reads and the steps' phases are
// in flight together, across six systems. On a real network requests sent close together may be
// processed in either order; only what revoke awaits is ordered. Here every HTTP endpoint
// processes each request after a random 0-50 ms (seeded), through the shipped binary: an
// ordering revoke relies on without awaiting it shows up as a failed step or a credential left.
const JITTER_MS = 50;

// IAM, GitHub and PostgreSQL for the file; the identity providers' sandboxes per test (they close after it, their exchanges checked).
let three: ThreeProviders | undefined;
beforeAll(async () => {
  three = await startThreeProviders();
}, 60_000);
afterAll(async () => three?.close());

const started = (): Promise<EveryProvider> => everyProvider(three!);

interface RunJson {
  steps: Array<{ id: string; status: string; findings: Array<{ kind: string; id: string; outcome: string; error?: string }> }>;
}

describe('every provider at once under network jitter, through node bin/revoke.js', () => {
  it('requests processed in any order: each run takes everything, and a second run finds nothing', async () => {
    const world = await started();
    world.setJitter(JITTER_MS);
    try {
      for (const person of ['jit1', 'jit2']) {
        await world.seed(person);
        const run = await runBin(['user', person, '-r', world.runbook, '--yes', '--json'], { env: world.env, timeoutMs: 60_000 });
        expect(run.code, `${person}: ${run.stderr}`).toBe(0);
        const result = JSON.parse(run.stdout) as RunJson;
        const notDone = result.steps.flatMap((s) => s.findings.filter((f) => !['revoked', 'already-gone'].includes(f.outcome)).map((f) => `${s.id} ${f.kind} ${f.id}: ${f.outcome} ${f.error ?? ''}`));
        expect(notDone, person).toEqual([]);
        expect(result.steps.map((s) => s.status).filter((status) => status !== 'succeeded'), person).toEqual([]);
        expect(await world.remaining(person), person).toEqual({
          iamUser: false,
          githubMember: false,
          postgresRole: false,
          postgresSession: false,
          googleSession: false,
          googleActive: false,
          oktaUser: false,
          entraUser: false,
        });

        const again = await runBin(['user', person, '-r', world.runbook, '--yes', '--json'], { env: world.env, timeoutMs: 60_000 });
        expect(again.code, `${person} again: ${again.stderr}`).toBe(0);
        expect((JSON.parse(again.stdout) as RunJson).steps.flatMap((s) => s.findings.map((f) => `${s.id} ${f.kind} ${f.id}`)), person).toEqual([]);
      }
    } finally {
      world.setJitter(0);
    }
  }, 240_000);

  it('a saved plan (containment after approval, every account checked first) is applied exactly under jitter', async () => {
    const world = await started();
    const dir = mkdtempSync(join(tmpdir(), 'revoke-jitter-plan-'));
    const keygen = await runBin(['keygen', '--out', join(dir, 'signer')]);
    expect(keygen.code, keygen.stderr).toBe(0);
    const sign = ['--sign-key', join(dir, 'signer.key')];
    await world.seed('jitplan');
    world.setJitter(JITTER_MS);
    try {
      const plan = join(dir, 'jitplan.plan.json');
      const dry = await runBin(['user', 'jitplan', '-r', world.runbook, '--dry-run', '--plan-out', plan, ...sign], { env: world.env, timeoutMs: 60_000 });
      expect(dry.code, dry.stderr).toBe(0);
      const applied = await runBin(['apply', plan, '--yes', '--json', '--key', join(dir, 'signer.pub'), ...sign], { env: world.env, timeoutMs: 60_000 });
      expect(applied.code, applied.stderr).toBe(0);
      const result = JSON.parse(applied.stdout) as RunJson;
      expect(result.steps.flatMap((s) => s.findings.filter((f) => !['revoked', 'already-gone'].includes(f.outcome)).map((f) => `${s.id} ${f.kind} ${f.id}: ${f.outcome} ${f.error ?? ''}`))).toEqual([]);
      expect(Object.entries(await world.remaining('jitplan')).filter(([, left]) => left)).toEqual([]);
    } finally {
      world.setJitter(0);
    }
  }, 120_000);
});
