import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { runEngine } from '../support/engine.js';
import { fakeWorld, type FakeCall } from '../support/fake-provider.js';
import { yaml } from '../support/runbooks.js';

// a and c are independent; b depends on a; d depends on b.
const graphRunbook = yaml`
  version: 1
  name: graph
  providers:
    one: { type: fake }
    two: { type: other }
  steps:
    - { id: a, provider: one, user: "{{user}}", revoke: [tokens] }
    - { id: b, provider: one, user: "{{user}}", revoke: [groups], dependsOn: [a] }
    - { id: c, provider: two, user: "{{user}}", revoke: [tokens, groups] }
    - { id: d, provider: one, user: "{{user}}", revoke: [account], mode: delete, dependsOn: [b] }
`;

const alice = () => fakeWorld({ alice: { tokens: ['t1', 't2'], groups: ['admins', 'devs'] } });
const revokes = (calls: FakeCall[], instance?: string) => calls.filter((c) => c.op === 'revoke' && (!instance || c.instance === instance));

describe('engine', () => {
  it('revokes every finding and ends with exit 0', async () => {
    const world = alice();
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' });
    expect(outcome).toEqual({ status: 'completed', exitCode: 0 });
    expect(record.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
      ['d', 'succeeded'],
    ]);
    expect(world.accounts.get('alice')!.exists).toBe(false);
    // c ran on the same account after a/b: what they removed first is "already gone", not an error.
    expect(record.totals.failed).toBe(0);
    expect(record.totals.revoked + record.totals.alreadyGone).toBe(record.totals.findings);
  });

  it('starts a dependent step only after everything it depends on finished', async () => {
    const world = alice();
    world.latencyMs = 20;
    await runEngine(world, graphRunbook, { user: 'alice' });
    const calls = revokes(world.calls);
    const endOf = (ids: string[]) => Math.max(...calls.filter((c) => ids.includes(c.findingId!) && c.instance === 'one').map((c) => c.end));
    const startOf = (ids: string[]) => Math.min(...calls.filter((c) => ids.includes(c.findingId!) && c.instance === 'one').map((c) => c.start));
    expect(startOf(['admins', 'devs'])).toBeGreaterThanOrEqual(endOf(['t1', 't2']));
    expect(startOf(['alice'])).toBeGreaterThanOrEqual(endOf(['admins', 'devs']));
  });

  it('runs independent steps at the same time', async () => {
    const world = alice();
    world.latencyMs = 60;
    await runEngine(world, graphRunbook, { user: 'alice' });
    const a = revokes(world.calls, 'one').find((c) => c.findingId === 't1')!;
    const c = revokes(world.calls, 'two').find((call) => call.findingId === 't1')!;
    // Overlap: each started before the other ended.
    expect(a.start).toBeLessThan(c.end);
    expect(c.start).toBeLessThan(a.end);
  });

  it('with --concurrency 1 runs one thing at a time', async () => {
    const world = alice();
    world.latencyMs = 15;
    await runEngine(world, graphRunbook, { user: 'alice' }, { concurrency: 1 });
    const calls = revokes(world.calls).sort((x, y) => x.start - y.start);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.start).toBeGreaterThanOrEqual(calls[i - 1]!.end);
  });

  it('a failure skips exactly its dependents; independent steps still run', async () => {
    const world = alice();
    world.failing.add('one/alice:tokens:t2');
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' });
    expect(outcome).toEqual({ status: 'failed', exitCode: 1 });
    const byId = Object.fromEntries(record.steps.map((s) => [s.id, s]));
    expect(byId.a!.status).toBe('failed');
    expect(byId.a!.findings.find((f) => f.id === 't2')).toMatchObject({ outcome: 'failed', error: 'deleting tokens t2 failed: HTTP 409 conflict' });
    expect(byId.b).toMatchObject({ status: 'skipped', reason: 'dependency a failed' });
    expect(byId.d).toMatchObject({ status: 'skipped', reason: 'dependency b was skipped' });
    expect(byId.c!.status).toBe('succeeded');
    expect(byId.b!.findings.every((f) => f.outcome === 'not-run')).toBe(true);
    // Nothing of b or d was attempted.
    expect(revokes(world.calls, 'one').map((c) => c.findingId).sort()).toEqual(['t1', 't2']);
  });

  it('a step whose discovery failed fails and skips its dependents', async () => {
    const world = alice();
    world.failing.add('alice:groups');
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' });
    expect(outcome.exitCode).toBe(1);
    const byId = Object.fromEntries(record.steps.map((s) => [s.id, s]));
    expect(byId.b).toMatchObject({ status: 'failed', error: 'listing groups of alice failed: HTTP 500' });
    expect(byId.d!.status).toBe('skipped');
  });

  it('a later phase of a step is not attempted after an earlier phase failed', async () => {
    const world = alice();
    world.failing.add('alice:groups:devs');
    const text = graphRunbook.replace('revoke: [account]', 'revoke: [all]').replace('dependsOn: [b]', 'dependsOn: []');
    const { record } = await runEngine(world, text, { user: 'alice', only: ['d'] });
    const d = record.steps.find((s) => s.id === 'd')!;
    expect(d.findings.find((f) => f.kind === 'account')).toMatchObject({ outcome: 'not-run', detail: 'not attempted: an earlier finding in this step failed' });
    expect(world.accounts.get('alice')!.exists).toBe(true);
  });

  it('a dry run discovers everything and never calls revoke', async () => {
    const world = alice();
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' }, { dryRun: true });
    expect(outcome).toEqual({ status: 'completed', exitCode: 0 });
    expect(world.calls.filter((c) => c.op === 'revoke')).toEqual([]);
    expect(world.calls.filter((c) => c.op === 'discover')).toHaveLength(4);
    expect(record.totals).toMatchObject({ findings: 9, planned: 9, revoked: 0 });
    expect(world.accounts.get('alice')!.tokens.size).toBe(2);
  });

  it('a dry run with --detailed-exitcode exits 3 when access exists and 0 when none', async () => {
    expect((await runEngine(alice(), graphRunbook, { user: 'alice' }, { dryRun: true, detailedExitCode: true })).outcome.exitCode).toBe(3);
    expect((await runEngine(fakeWorld(), graphRunbook, { user: 'alice' }, { dryRun: true, detailedExitCode: true })).outcome.exitCode).toBe(0);
  });

  it('--only runs the named steps and nothing else', async () => {
    const world = alice();
    const { record } = await runEngine(world, graphRunbook, { user: 'alice', only: ['c'] });
    expect(record.steps.map((s) => s.id)).toEqual(['c']);
    expect(new Set(world.calls.filter((c) => c.op !== 'connect').map((c) => c.instance))).toEqual(new Set(['two']));
    expect(world.calls.filter((c) => c.op === 'connect').map((c) => c.instance)).toEqual(['two']);
  });

  it('is idempotent: a second run finds nothing and exits 0', async () => {
    const world = alice();
    await runEngine(world, graphRunbook, { user: 'alice' });
    const calls = world.calls.length;
    const second = await runEngine(world, graphRunbook, { user: 'alice' });
    expect(second.outcome).toEqual({ status: 'completed', exitCode: 0 });
    expect(second.record.totals.findings).toBe(0);
    expect(world.calls.slice(calls).filter((c) => c.op === 'revoke')).toEqual([]);
  });

  it('asks for confirmation after discovery; a "no" revokes nothing', async () => {
    const world = alice();
    let askedAfterDiscovery = false;
    const { outcome } = await runEngine(world, graphRunbook, { user: 'alice' }, {
      confirm: async () => {
        askedAfterDiscovery = world.calls.filter((c) => c.op === 'discover').length === 4;
        return { approved: false, by: 'prompt' };
      },
    });
    expect(askedAfterDiscovery).toBe(true);
    expect(outcome).toEqual({ status: 'cancelled', exitCode: 1 });
    expect(revokes(world.calls)).toEqual([]);
  });

  it('refuses to revoke the identity it runs as, before discovering anything', async () => {
    const world = alice();
    world.selfUser = 'Alice';
    await expect(runEngine(world, graphRunbook, { user: 'alice' })).rejects.toThrow(InvalidInputError);
    await expect(runEngine(world, graphRunbook, { user: 'alice' })).rejects.toThrow(/the identity revoke itself is running as on one/);
    expect(world.calls.filter((c) => c.op !== 'connect')).toEqual([]);
  });

  it('a provider that cannot connect stops the run with exit 2 before anything else', async () => {
    const world = alice();
    world.connectError = 'no credentials found';
    const error = await runEngine(world, graphRunbook, { user: 'alice' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toMatch(/^cannot connect to provider (one|two) \((fake|other)\): no credentials found$/);
    expect(world.calls.filter((c) => c.op !== 'connect')).toEqual([]);
  });

  it('discovers each provider as soon as it is connected, not after the slowest; revokes only after every step is discovered', async () => {
    const world = alice();
    world.connectMs = { two: 120 };
    const { outcome } = await runEngine(world, graphRunbook, { user: 'alice' });
    expect(outcome.exitCode).toBe(0);
    const twoConnected = world.calls.find((c) => c.op === 'connect' && c.instance === 'two')!.end;
    const discoveries = world.calls.filter((c) => c.op === 'discover');
    expect(Math.min(...discoveries.filter((c) => c.instance === 'one').map((c) => c.start))).toBeLessThan(twoConnected);
    expect(Math.min(...revokes(world.calls).map((c) => c.start))).toBeGreaterThanOrEqual(Math.max(...discoveries.map((c) => c.end)));
  });

  it('a provider failing to connect after another began discovering: exit 2, nothing revoked, run-finished is the last event', async () => {
    const world = alice();
    world.connectMs = { two: 80 };
    world.connectFailing = new Set(['two']);
    world.latencyMs = 40; // `one`'s discovery is still reading when `two` fails
    const events: string[] = [];
    const error = await runEngine(world, graphRunbook, { user: 'alice' }, { onEvent: (event) => events.push(event.type) }).catch((e: unknown) => e);
    expect((error as InvalidInputError).message).toMatch(/^cannot connect to provider two \(other\): two: connection refused$/);
    expect(world.calls.some((c) => c.op === 'discover' && c.instance === 'one')).toBe(true);
    expect(revokes(world.calls)).toEqual([]);
    expect(events.at(-1)).toBe('run-finished');
    expect(events.filter((type) => type === 'run-finished')).toHaveLength(1);
  });

  it('write-ahead: no request leaves before the journal holding its revoke-started record is on the disk', async () => {
    const world = alice();
    const started: string[] = [];
    const flushes: Array<{ covers: number; at: number }> = [];
    const durable = async () => {
      const covers = started.length;
      await new Promise((resolve) => setTimeout(resolve, 15));
      flushes.push({ covers, at: performance.now() });
    };
    const { outcome } = await runEngine(world, graphRunbook, { user: 'alice' }, { durable, onEvent: (event) => event.type === 'revoke-started' && started.push(`${event.stepId}/${event.findingId}`) });
    expect(outcome.exitCode).toBe(0);
    const calls = revokes(world.calls);
    expect(calls).toHaveLength(started.length);
    const instanceOf = (stepId: string) => (stepId === 'c' ? 'two' : 'one');
    const unmatched = [...calls];
    started.forEach((key, index) => {
      const [stepId, findingId] = key.split('/') as [string, string];
      const flushedAt = Math.min(...flushes.filter((f) => f.covers > index).map((f) => f.at));
      const call = unmatched.splice(unmatched.findIndex((c) => c.instance === instanceOf(stepId) && c.findingId === findingId), 1)[0];
      expect(call!.start).toBeGreaterThanOrEqual(flushedAt);
    });
  });

  it('a journal that cannot be flushed: the request is not sent, the finding fails with why, exit 1', async () => {
    const world = alice();
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' }, { durable: () => Promise.reject(new Error('cannot flush the journal x.jsonl to disk: EIO')) });
    expect(outcome).toEqual({ status: 'failed', exitCode: 1 });
    expect(revokes(world.calls)).toEqual([]);
    expect(record.totals.failed).toBeGreaterThan(0);
    expect(JSON.stringify(record.steps)).toContain('cannot flush the journal x.jsonl to disk: EIO');
  });

  it('a stop request lets in-flight calls finish and starts nothing new (exit 130)', async () => {
    const world = alice();
    world.latencyMs = 30;
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' }, {
      concurrency: 1,
      onEvent: (event, stop) => {
        if (event.type === 'revoke-started' && !stop.requested) stop.request('SIGINT');
      },
    });
    expect(outcome).toEqual({ status: 'interrupted', exitCode: 130 });
    const done = revokes(world.calls);
    expect(done).toHaveLength(1); // the in-flight call finished; nothing else started
    expect(record.totals.revoked).toBe(1);
    expect(record.totals.notRun).toBe(record.totals.findings - 1);
  });

  it('every event carries an increasing sequence number and a timestamp', async () => {
    const { events } = await runEngine(alice(), graphRunbook, { user: 'alice' });
    expect(events[0]!.type).toBe('run-started');
    expect(events[events.length - 1]!.type).toBe('run-finished');
    events.forEach((event, i) => {
      expect(event.seq).toBe(i + 1);
      expect(Date.parse(event.ts)).not.toBeNaN();
    });
  });
});

// Confirmed up front (--yes): every refusal still comes before any change, but a step's removals
// wait only for its own discovery and for the last check that could refuse the run, not for the
// slowest discovery. `two` (step c) discovers slowly; `one` (a, b, d) at once.
describe('refusals before changes, with --yes', () => {
  const upFront = { confirmedUpFront: true } as const;
  const firstRevoke = (calls: FakeCall[], instance: string) => Math.min(...revokes(calls, instance).map((c) => c.start));
  const discoveryEnd = (calls: FakeCall[], instance: string) => calls.find((c) => c.op === 'discover' && c.instance === instance)!.end;

  it("a step's removals start once its own discovery is done and every step's guards passed, before the slowest discovery ends", async () => {
    const world = alice();
    world.discoverMs = { two: 250 };
    world.guards = { two: { afterMs: 40 } };
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' }, upFront);
    expect(outcome).toEqual({ status: 'completed', exitCode: 0 });
    const guardsPassed = world.calls.find((c) => c.op === 'guards-passed' && c.instance === 'two')!.end;
    expect(firstRevoke(world.calls, 'one')).toBeGreaterThanOrEqual(guardsPassed);
    expect(firstRevoke(world.calls, 'one')).toBeLessThan(discoveryEnd(world.calls, 'two'));
    // The record is whole: every finding of every step, each revoked or already gone.
    expect(record.totals.revoked + record.totals.alreadyGone).toBe(record.totals.findings);
    expect(record.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('a provider that never says its guards passed holds every removal until its discovery ends', async () => {
    const world = alice();
    world.discoverMs = { two: 150 };
    const { outcome } = await runEngine(world, graphRunbook, { user: 'alice' }, upFront);
    expect(outcome.exitCode).toBe(0);
    expect(firstRevoke(world.calls, 'one')).toBeGreaterThanOrEqual(discoveryEnd(world.calls, 'two'));
  });

  it('a refusal before the guards passed: nothing is revoked anywhere, exit 2, even where discovery was long done', async () => {
    const world = alice();
    world.discoverMs = { two: 100 };
    world.guards = { two: { afterMs: 60, refuse: 'before' } };
    const events: string[] = [];
    const error = await runEngine(world, graphRunbook, { user: 'alice' }, { ...upFront, onEvent: (event) => events.push(event.type) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toBe('alice is the last owner of two');
    expect(revokes(world.calls)).toEqual([]);
    expect(events).not.toContain('step-started');
    expect(events.at(-1)).toBe('run-finished');
  });

  it("a refusal after its provider said its guards passed fails that step (exit 1) and never claims nothing changed", async () => {
    const world = alice();
    world.discoverMs = { two: 150 };
    world.guards = { two: { afterMs: 10, refuse: 'after' } };
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' }, upFront);
    expect(outcome).toEqual({ status: 'failed', exitCode: 1 });
    const c = record.steps.find((s) => s.id === 'c')!;
    expect(c.status).toBe('failed');
    expect(c.error).toBe('alice is the last owner of two (found after saying it could not be)');
    expect(revokes(world.calls, 'one').length).toBeGreaterThan(0);
  });

  it('a stop while a step still waits for its own discovery: it never starts, its findings are recorded as not run (exit 130)', async () => {
    const world = alice();
    world.latencyMs = 20;
    world.discoverMs = { two: 150 };
    world.guards = { two: { afterMs: 5 } };
    const { outcome, record } = await runEngine(world, graphRunbook, { user: 'alice' }, {
      ...upFront,
      onEvent: (event, stop) => {
        if (event.type === 'revoke-started' && !stop.requested) stop.request('SIGINT');
      },
    });
    expect(outcome).toEqual({ status: 'interrupted', exitCode: 130 });
    const c = record.steps.find((s) => s.id === 'c')!;
    expect(c).toMatchObject({ status: 'interrupted', reason: 'not started: the run was interrupted' });
    expect(c.findings.length).toBeGreaterThan(0);
    expect(c.findings.every((f) => f.outcome === 'not-run')).toBe(true);
    expect(revokes(world.calls, 'two')).toEqual([]);
  });

  it('a step skipped because its dependency failed, before its own discovery answered, still records its findings as not run', async () => {
    const world = alice();
    const runbook = yaml`
      version: 1
      name: skip-early
      providers:
        one: { type: fake }
        two: { type: other }
      steps:
        - { id: a, provider: one, user: "{{user}}", revoke: [tokens] }
        - { id: c, provider: two, user: "{{user}}", revoke: [tokens, groups], dependsOn: [a] }
    `;
    world.failing.add('one/alice:tokens:t1');
    world.discoverMs = { two: 120 };
    world.guards = { two: { afterMs: 5 } };
    const { outcome, record } = await runEngine(world, runbook, { user: 'alice' }, upFront);
    expect(outcome.exitCode).toBe(1);
    const c = record.steps.find((s) => s.id === 'c')!;
    expect(c).toMatchObject({ status: 'skipped', reason: 'dependency a failed' });
    // Found after a removed t2 (the fake's accounts are one world): t1 and both groups.
    expect(c.findings.map((f) => `${f.id}:${f.outcome}`)).toEqual(['t1:not-run', 'admins:not-run', 'devs:not-run']);
    expect(revokes(world.calls, 'two')).toEqual([]);
  });
});
