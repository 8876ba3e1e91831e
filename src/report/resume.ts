import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { readJournal } from './journal.js';

export interface ResumePoint {
  path: string;
  journal: string;
  sha256: string;
  runId: string;
}

/**
 * Checks that a journal can be resumed by this run: its chain holds (a torn last line is fine:
 * that is what a crash leaves) and it is for the same runbook and user.
 */
export function resumePoint(path: string, runbookSha256: string, user: string): ResumePoint {
  if (!existsSync(path)) throw new InvalidInputError(`--resume ${path}: no such journal`, 'pass the .journal.jsonl file of the run to continue');
  const reading = readJournal(path);
  if (reading.broken) {
    throw new InvalidInputError(`--resume ${path}: the journal's hash chain breaks at record ${reading.broken.line} (${reading.broken.reason})`, 'the journal was changed after it was written; start a new run instead');
  }
  const first = reading.records[0];
  if (!first || first.type !== 'run-started') throw new InvalidInputError(`--resume ${path}: the journal has no run-started record`, 'pass the .journal.jsonl file of the run to continue');
  if (first.runbook.sha256 !== runbookSha256) {
    throw new InvalidInputError(`--resume ${path}: that run used a different runbook (sha256 ${first.runbook.sha256.slice(0, 12)}…)`, `resume with the runbook it ran (${first.runbook.file}), unchanged`);
  }
  if (first.user !== user) throw new InvalidInputError(`--resume ${path}: that run was for "${first.user}", not "${user}"`, `run: revoke user ${first.user} ... --resume ${path}`);
  return { path, journal: path.split('/').pop()!, sha256: reading.sha256, runId: first.runId };
}

/**
 * Journals in `dir` for this runbook and user that never reached run-finished (crashed runs),
 * unless a later real run for them completed: that run did the work, so there is nothing to resume.
 */
export function unfinishedJournals(dir: string, runbookSha256: string, user: string): string[] {
  if (!existsSync(dir)) return [];
  const unfinished: Array<{ path: string; startedAt: string }> = [];
  let lastCompleted = '';
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.journal.jsonl')) continue;
    const path = join(dir, name);
    try {
      const { records } = readJournal(path);
      const first = records[0];
      if (first?.type !== 'run-started' || first.runbook.sha256 !== runbookSha256 || first.user !== user) continue;
      if (first.dryRun) continue;
      const finished = records.find((r) => r.type === 'run-finished');
      if (!finished) unfinished.push({ path, startedAt: first.ts });
      else if (finished.status === 'completed' && first.ts > lastCompleted) lastCompleted = first.ts;
    } catch {
      // Unreadable files are not ours to judge here.
    }
  }
  return unfinished.filter((j) => j.startedAt > lastCompleted).map((j) => j.path).sort();
}
