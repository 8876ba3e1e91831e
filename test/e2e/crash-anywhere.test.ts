import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/report/journal.js';
import { verifyReport } from '../../src/report/verify.js';
import { seededRandom } from '../../src/sandbox/random.js';
import { reportFiles } from '../support/reports.js';
import { runBin, runBinUntil } from '../support/spawn.js';
import { startThreeProviders, type ThreeProviders } from '../support/worlds.js';

/**
 * Crash anywhere, lose nothing: a real GitHub + AWS IAM + PostgreSQL run of the built binary is
 * killed with SIGKILL at 20 points chosen by a seeded generator (after its journal holds N
 * records), then continued with --resume. Every run must end complete, with both journals
 * verifying, nothing failed on the second attempt, and nothing left unrevoked.
 */
const RUNBOOK = 'test/fixtures/three-providers.yaml';
const POINTS = 20;
const PARALLEL = 4;

let world: ThreeProviders;
/** Journal records each killed run had written when it died: the kills must spread over the run. */
const landed: number[] = [];
let dir: string;
let signer: { key: string; pub: string };
beforeAll(async () => {
  // A little latency, so a run lasts long enough for a kill to land between any two records.
  world = await startThreeProviders();
  world.iam.faults.latencyMs = 3;
  world.github.faults.latencyMs = 3;
  dir = mkdtempSync(join(tmpdir(), 'revoke-crash-anywhere-'));
  signer = { key: join(dir, 'signer.key'), pub: join(dir, 'signer.pub') };
  expect((await runBin(['keygen', '--out', join(dir, 'signer')])).code).toBe(0);
}, 60_000);
afterAll(async () => world?.close());

const args = (user: string, reports: string) => ['user', user, '-r', RUNBOOK, '--yes', '--json', '--report', reports, '--sign-key', signer.key];
const env = () => ({ ...world.env, PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: dir });
const recordsIn = (reports: string) => {
  const journal = existsSync(reports) ? reportFiles(reports).journals[0] : undefined;
  return journal ? readJournal(journal).records.length : 0;
};

/**
 * The kill trigger, polled every 5 ms by four runs at once: it counts the journal's complete
 * lines (one record each) instead of verifying the chain on every poll, and lists the folder
 * only until the journal appears. The killed journal is verified in full afterwards.
 */
function journalLineCounter(reports: string): () => number {
  let journal: string | undefined;
  return () => {
    journal ??= existsSync(reports) ? reportFiles(reports).journals[0] : undefined;
    if (!journal) return 0;
    const bytes = readFileSync(journal);
    let lines = 0;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines += 1;
    return lines;
  };
}

/** Kills one run after `point` journal records, resumes it; returns what went wrong (nothing, ideally). */
async function crashAndResume(index: number, point: number): Promise<string[]> {
  const user = `crash-${String(index).padStart(2, '0')}`;
  const reports = join(dir, user);
  await world.seed(user, { iam: { accessKeys: 2, loginProfile: true, virtualMfa: true, sshKeys: 1, groups: ['crash-group'], inlinePolicies: ['p1'] } });
  const problems: string[] = [];
  const linesWritten = journalLineCounter(reports);
  const killed = await runBinUntil(args(user, reports), env(), () => linesWritten() >= point, 'SIGKILL');
  if (!killed.signalled || killed.signal !== 'SIGKILL') return [`${user} @${point}: the run ended (exit ${killed.code}) before it could be killed`];
  landed.push(recordsIn(reports));
  const journals = reportFiles(reports).journals;
  const crashed = readJournal(journals[0]!);
  if (crashed.broken) problems.push(`${user} @${point}: the killed run's journal does not verify: ${crashed.broken}`);
  const resumed = await runBin([...args(user, reports), '--resume', journals[0]!], { env: env(), timeoutMs: 60_000 });
  if (resumed.code !== 0) return [...problems, `${user} @${point}: --resume exited ${resumed.code}: ${resumed.stderr.slice(-400)}`];
  const result = JSON.parse(resumed.stdout);
  if (result.status !== 'completed' || result.totals.failed !== 0) problems.push(`${user} @${point}: resumed run ${result.status}, ${result.totals.failed} failed`);
  const left = await world.remaining(user);
  if (Object.values(left).some(Boolean)) problems.push(`${user} @${point}: left unrevoked: ${JSON.stringify(left)}`);
  const verification = verifyReport(result.report.path, readFileSync(signer.pub, 'utf8'));
  const bad = verification.checks.filter((c) => !c.ok);
  if (bad.length > 0) problems.push(`${user} @${point}: report does not verify: ${bad.map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
  if (verification.checks.filter((c) => c.name.endsWith('chain') && c.ok).length !== 2) problems.push(`${user} @${point}: expected both journals' chains checked`);
  return problems;
}

describe('SIGKILL at 20 points of a three-provider run, then --resume', () => {
  it('every run ends complete, both journals verify, nothing fails twice, nothing is left', async () => {
    // Calibrate: how many journal records an uninterrupted run writes.
    await world.seed('crash-reference', { iam: { accessKeys: 2, loginProfile: true, virtualMfa: true, sshKeys: 1, groups: ['crash-group'], inlinePolicies: ['p1'] } });
    const reference = await runBin(args('crash-reference', join(dir, 'reference')), { env: env(), timeoutMs: 60_000 });
    expect(reference.code, reference.stderr).toBe(0);
    const total = recordsIn(join(dir, 'reference'));
    expect(total).toBeGreaterThan(POINTS + 5);

    // 20 distinct kill points, seeded, spread over the whole run (first record to the one before the last).
    const random = seededRandom(2026);
    const points = new Set<number>();
    while (points.size < POINTS) points.add(1 + Math.floor(random() * (total - 2)));
    const queue = [...points].sort((a, b) => a - b).map((point, index) => ({ point, index }));

    const problems: string[] = [];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) problems.push(...(await crashAndResume(next.index, next.point)));
      }),
    );
    expect(problems).toEqual([]);
    expect(new Set(landed).size, `killed after ${landed.join(', ')} of ${total} records`).toBeGreaterThanOrEqual(POINTS / 2);
    expect(Math.min(...landed)).toBeLessThan(total / 4);
    expect(Math.max(...landed)).toBeGreaterThan((total * 3) / 4);
  }, 240_000);
});
