import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxEnvironment, sandboxIamClient, seedUser, FULL_USER } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { readJournal } from '../../src/report/journal.js';
import { verifyReport } from '../../src/report/verify.js';
import { decodeStatement, reportFiles } from '../support/reports.js';
import { runBin, runBinUntil } from '../support/spawn.js';

let sandbox: IamSandbox | undefined;
afterEach(async () => sandbox?.close());

async function setup(latencyMs: number) {
  sandbox = await startIamSandbox();
  await seedUser(sandboxIamClient(sandbox), 'jdoe', FULL_USER);
  sandbox.faults.latencyMs = latencyMs;
  const dir = mkdtempSync(join(tmpdir(), 'revoke-crash-'));
  const keygen = await runBin(['keygen', '--out', join(dir, 'signer')]);
  expect(keygen.code).toBe(0);
  const env = { ...sandboxEnvironment(sandbox, { PATH: process.env.PATH, HOME: dir }), XDG_CONFIG_HOME: dir };
  const args = ['user', 'jdoe', '-r', 'test/fixtures/aws-offboarding.yaml', '--yes', '--report', join(dir, 'reports'), '--sign-key', join(dir, 'signer.key')];
  return { dir, env, args, pub: readFileSync(join(dir, 'signer.pub'), 'utf8') };
}

/** Starts the binary and sends `signal` once its journal shows `revokedBefore` revoked findings. */
function runUntil(args: string[], env: NodeJS.ProcessEnv, journalDir: string, revokedBefore: number, signal: NodeJS.Signals) {
  return runBinUntil(args, env, () => {
    const journal = existsSync(journalDir) ? reportFiles(journalDir).journals[0] : undefined;
    return journal !== undefined && readJournal(journal).records.filter((r) => r.type === 'revoke-finished' && r.outcome === 'revoked').length >= revokedBefore;
  }, signal);
}

describe('crash, interrupt, resume (the real binary against the IAM sandbox)', () => {
  it('SIGINT mid-run: in-flight calls finish, a valid report marked interrupted, exit 130', async () => {
    const { dir, env, args, pub } = await setup(60);
    // Past the two containment findings (sent while discovering): into the revoke phase.
    const result = await runUntil(args, env, join(dir, 'reports'), 3, 'SIGINT');
    expect(result.code).toBe(130);
    const { reports } = reportFiles(join(dir, 'reports'));
    expect(reports).toHaveLength(1);
    expect(verifyReport(reports[0]!, pub).valid).toBe(true);
    const predicate = decodeStatement(readFileSync(reports[0]!, 'utf8')).predicate;
    expect(predicate).toMatchObject({ status: 'interrupted', complete: false, exitCode: 130 });
    expect(predicate.totals.revoked).toBeGreaterThanOrEqual(3);
    expect(predicate.totals.notRun).toBeGreaterThan(0);
    expect(sandbox!.state.users.has('jdoe')).toBe(true);
  }, 30_000);

  it('SIGKILL mid-run leaves a verifiable journal; --resume completes and everything verifies', async () => {
    const { dir, env, args, pub } = await setup(60);
    const reportsDir = join(dir, 'reports');
    const killed = await runUntil(args, env, reportsDir, 3, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const crashed = reportFiles(reportsDir);
    expect(crashed.reports).toEqual([]); // no chance to write one
    expect(crashed.journals).toHaveLength(1);
    const journal = readJournal(crashed.journals[0]!);
    expect(journal.broken).toBeUndefined();
    expect(journal.records.some((r) => r.type === 'run-finished')).toBe(false);

    // A plain re-run notices the unfinished journal and says how to resume it.
    const hint = await runBin([...args, '--dry-run'].filter((a) => a !== '--yes'), { env });
    expect(hint.stderr).toContain(`did not finish (${crashed.journals[0]}); to continue it, add --resume ${crashed.journals[0]}`);

    const resumed = await runBin([...args, '--resume', crashed.journals[0]!, '--json'], { env });
    expect(resumed.code).toBe(0);
    expect(sandbox!.state.users.has('jdoe')).toBe(false);
    const result = JSON.parse(resumed.stdout);
    const statement = decodeStatement(readFileSync(result.report.path, 'utf8'));
    expect(statement.predicate.resumedFrom).toMatchObject({ journal: crashed.journals[0]!.split('/').pop(), runId: journal.records[0]!.type === 'run-started' ? journal.records[0]!.runId : '' });
    expect(statement.subject.map((s: { name: string }) => s.name)).toEqual([result.report.journal.split('/').pop(), crashed.journals[0]!.split('/').pop()]);
    const verification = verifyReport(result.report.path, pub);
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.checks.filter((c) => c.name.endsWith('chain'))).toHaveLength(2);
  }, 30_000);

  it('--resume refuses a journal of another user', async () => {
    const { dir, env, args } = await setup(0);
    const first = await runBin([...args, '--dry-run'].filter((a) => a !== '--yes'), { env });
    expect(first.code).toBe(0);
    const journal = reportFiles(join(dir, 'reports')).journals[0]!;
    const other = await runBin(['user', 'someone-else', ...args.slice(2), '--resume', journal], { env });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('that run was for "jdoe", not "someone-else"');
  }, 30_000);
});
