import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyProvider, type EveryProvider } from '../support/every-provider.js';
import { runBin } from '../support/spawn.js';

// Contain first makes a run concurrent: containment, discovery's reads and the steps' phases are
// in flight together, across six systems. On a real network requests sent close together may be
// processed in either order; only what revoke awaits is ordered. Here every HTTP endpoint
// processes each request after a random 0-50 ms (seeded), through the shipped binary: an
// ordering revoke relies on without awaiting it shows up as a failed step or a credential left.
const JITTER_MS = 50;

let world: EveryProvider;
beforeAll(async () => {
  world = await everyProvider();
}, 60_000);
afterAll(async () => world?.close());

interface RunJson {
  steps: Array<{ id: string; status: string; findings: Array<{ kind: string; id: string; outcome: string; error?: string }> }>;
}

describe('every provider at once under network jitter, through node bin/revoke.js', () => {
  it('requests processed in any order: each run takes everything, and a second run finds nothing', async () => {
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
});
