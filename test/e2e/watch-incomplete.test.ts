import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubRunbook, githubWorld, seedUser } from '../support/github.js';
import { reportFiles } from '../support/reports.js';
import { runBin } from '../support/spawn.js';

describe('the built binary: read-only discovery and an incomplete watch', () => {
  it('a dry run sends only GETs; a watch that cannot read the audit log exits 4, not 0', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member' });
    const dir = mkdtempSync(join(tmpdir(), 'revoke-e2e-'));
    const env = { GITHUB_TOKEN: world.token, GITHUB_API_URL: world.sandbox.url };
    const keygen = await runBin(['keygen', '--out', join(dir, 'signer')]);
    expect(keygen.code, keygen.stderr).toBe(0);
    const common = ['--report', join(dir, 'reports'), '--sign-key', join(dir, 'signer.key')];
    const runbook = githubRunbook();

    const before = world.sandbox.exchanges.length;
    const dry = await runBin(['user', 'octo-jane', '-r', runbook, '--dry-run', '--report', join(dir, 'dry'), '--sign-key', join(dir, 'signer.key')], { env, timeoutMs: 30_000 });
    expect(dry.code, dry.stderr).toBe(0);
    const dryExchanges = world.sandbox.exchanges.slice(before);
    expect(dryExchanges.length).toBeGreaterThan(0);
    expect(dryExchanges.filter((e) => e.method !== 'GET')).toEqual([]);

    const run = await runBin(['user', 'octo-jane', '-r', runbook, '--yes', ...common], { env, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    const [report] = reportFiles(join(dir, 'reports')).reports;

    world.sandbox.state.orgs.get('acme')!.auditLog = undefined; // not Enterprise Cloud: no audit log
    const watch = await runBin(['watch', report!, '--key', join(dir, 'signer.pub'), '--report', join(dir, 'watch'), '--sign-key', join(dir, 'signer.key'), '--json'], { env, timeoutMs: 30_000 });
    expect(watch.code, watch.stderr).toBe(4);
    expect(JSON.parse(watch.stdout)).toMatchObject({ complete: false, exitCode: 4, events: [], skipped: [{ provider: 'gh' }] });
    expect(watch.stderr).toMatch(/Watch report \(signed, key [0-9a-f]{16}…\): /);
  }, 60_000);
});
