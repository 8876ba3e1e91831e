import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../support/cli.js';
import { fakeWorld } from '../support/fake-provider.js';
import { fakeRegistry, validRunbook } from '../support/runbooks.js';

const runbookFile = writeTemp('offboarding.yaml', validRunbook);
const world = () => fakeWorld({ alice: { tokens: ['t1'], groups: ['admins'] } });
const ANSI = /\u001b\[/;

describe('revoke user (in-process, fake provider)', () => {
  it('--dry-run prints the plan grouped by step and changes nothing', async () => {
    const w = world();
    const { code, stdout } = await runCli(['user', 'alice', '-r', runbookFile, '--dry-run'], fakeRegistry(w));
    expect(code).toBe(0);
    expect(stdout).toContain('Plan for alice (runbook offboarding, dry run):');
    expect(stdout).toMatch(/creds \[dir: alice, mode disable\]: would revoke 2 items\n\s+- token t1\n\s+- member of admins/);
    expect(stdout).toContain('remove [dir: alice, mode delete] (after creds): would revoke 3 items');
    expect(w.calls.filter((c) => c.op === 'revoke')).toEqual([]);
  });

  it('--json prints one parseable result document on stdout and human text on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--json'], fakeRegistry(world()));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ tool: { name: 'revoke' }, user: 'alice', dryRun: false, status: 'completed', exitCode: 0 });
    expect(result.runbook.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.steps.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ['creds', 'succeeded'],
      ['remove', 'succeeded'],
    ]);
    expect(result.totals).toMatchObject({ findings: 5, revoked: 3, alreadyGone: 2, failed: 0 });
    expect(stderr).toContain('Result for alice: done');
  });

  it('--json keeps stdout clean even when stderr is a terminal', async () => {
    const { code, stdout, stderr } = await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--json'], fakeRegistry(world()), { tty: true });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).status).toBe('completed');
    expect(stderr).toMatch(/ run \S+: revoking alice/);
  });

  it('without a terminal and without --yes it refuses at once, naming --yes', async () => {
    const w = world();
    const { code, stderr } = await runCli(['user', 'alice', '-r', runbookFile], fakeRegistry(w));
    expect(code).toBe(2);
    expect(stderr).toContain('pass --yes');
    expect(w.calls).toEqual([]);
  });

  it('plain progress lines are timestamped when there is no terminal', async () => {
    const { stderr } = await runCli(['user', 'alice', '-r', runbookFile, '--dry-run'], fakeRegistry(world()));
    expect(stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z run \S+: dry run alice with runbook offboarding \(2 steps\)$/m);
    expect(stderr).toMatch(/Z discovered creds: 2 found \(\d+ ms\)$/m);
  });

  it('a failed action exits 1 and says which', async () => {
    const w = world();
    w.failing.add('alice:groups:admins');
    const { code, stdout } = await runCli(['user', 'alice', '-r', runbookFile, '--yes'], fakeRegistry(w));
    expect(code).toBe(1);
    expect(stdout).toContain('Result for alice: some actions failed');
    expect(stdout).toMatch(/✗ member of admins: deleting groups admins failed: HTTP 409 conflict/);
    expect(stdout).toContain('remove: skipped: dependency creds failed');
  });

  it('a protected user exits 2 before connecting to anything', async () => {
    const w = world();
    const { code, stderr } = await runCli(['user', 'root-admin', '-r', runbookFile, '--dry-run'], fakeRegistry(w));
    expect(code).toBe(2);
    expect(stderr).toContain('which is protected on dir; nothing was changed');
    expect(w.calls).toEqual([]);
  });

  it('an invalid runbook exits 2 with file:line:col', async () => {
    const broken = writeTemp('broken.yaml', validRunbook.replace('revoke: [tokens, groups]', 'revoke: [tokenz]'));
    const { code, stderr } = await runCli(['user', 'alice', '-r', broken, '--dry-run'], fakeRegistry(world()));
    expect(code).toBe(2);
    expect(stderr).toContain(`${broken}:14:14: error: unknown revoke kind "tokenz"`);
  });

  it('--detailed-exitcode: 3 when a dry run finds access; refused without --dry-run', async () => {
    expect((await runCli(['user', 'alice', '-r', runbookFile, '--dry-run', '--detailed-exitcode'], fakeRegistry(world()))).code).toBe(3);
    expect((await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--detailed-exitcode'], fakeRegistry(world()))).code).toBe(2);
  });

  it('colours follow FORCE_COLOR, NO_COLOR and --no-color', async () => {
    const args = ['user', 'alice', '-r', runbookFile, '--dry-run'];
    expect((await runCli(args, fakeRegistry(world()), { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect((await runCli(args, fakeRegistry(world()), { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runCli([...args, '--no-color'], fakeRegistry(world()), { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('SIGINT during a run: in-flight calls finish, nothing new starts, exit 130', async () => {
    const w = world();
    w.latencyMs = 40;
    const signals = new EventEmitter();
    const running = runCli(['user', 'alice', '-r', runbookFile, '--yes', '--json', '--concurrency', '1'], fakeRegistry(w), { signals });
    while (!w.calls.some((c) => c.op === 'discover')) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 60)); // into the revoke phase
    signals.emit('SIGINT', 'SIGINT');
    const { code, stdout, stderr } = await running;
    expect(code).toBe(130);
    expect(stderr).toMatch(/SIGINT: stopping; in-flight calls may finish, nothing new starts/);
    const result = JSON.parse(stdout);
    expect(result.status).toBe('interrupted');
    expect(result.totals.notRun).toBeGreaterThan(0);
    expect(w.calls.filter((c) => c.op === 'revoke').length).toBe(result.totals.revoked + result.totals.alreadyGone);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a real run that finds nothing says so and exits 0 without asking', async () => {
    const { code, stdout } = await runCli(['user', 'nobody', '-r', runbookFile, '--yes'], fakeRegistry(world()));
    expect(code).toBe(0);
    expect(stdout).toContain('Nothing to revoke.');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['user', 'alice'], fakeRegistry(world()))).code).toBe(2);
    expect((await runCli(['user', 'alice', '-r', runbookFile, '--concurrency', '0'], fakeRegistry(world()))).code).toBe(2);
    expect((await runCli(['frobnicate'], fakeRegistry(world()))).code).toBe(2);
  });
});

describe('revoke validate / providers / schema (in-process)', () => {
  it('validate: ok runbooks exit 0, any invalid one exits 2', async () => {
    const ok = await runCli(['validate', runbookFile], fakeRegistry());
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toBe(`${runbookFile}: ok (2 steps)\n`);
    const broken = writeTemp('broken.yaml', 'version: 1\n');
    const bad = await runCli(['validate', runbookFile, broken, '--json'], fakeRegistry());
    expect(bad.code).toBe(2);
    const report = JSON.parse(bad.stdout);
    expect(report.valid).toBe(false);
    expect(report.runbooks[1].diagnostics[0]).toMatchObject({ line: 1, col: 1, message: 'missing required key "name"' });
  });

  it('providers lists kinds, modes and permissions', async () => {
    const { code, stdout } = await runCli(['providers', 'fake'], fakeRegistry());
    expect(code).toBe(0);
    expect(stdout).toContain('fake: In-memory directory used by the tests');
    expect(stdout).toMatch(/tokens\s+API tokens \(not reversible\)\n\s+needs: tokens:delete/);
    expect((await runCli(['providers', 'nope'], fakeRegistry())).code).toBe(2);
  });

  it('schema describes provider configs, kinds and modes', async () => {
    const { code, stdout } = await runCli(['schema'], fakeRegistry());
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    const step = schema.properties.steps.items;
    expect(step.additionalProperties).toBe(false);
    expect(step.properties.revoke.items.enum).toEqual(['all', 'tokens', 'groups', 'account']);
    expect(step.properties.mode.enum).toEqual(['disable', 'delete']);
    expect(step.properties.note).toEqual({ type: 'string' });
  });
});
