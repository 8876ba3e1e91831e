import type { JournalSubject } from '../report/statement.js';
import { STATEMENT_TYPE } from '../report/statement.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import type { RestoredStep, RestoreResult } from './run-restore.js';

export const RESTORE_PREDICATE_TYPE = 'urn:revoke:restore:v1';

/** The signed record of a restore: which report it undid (by sha256), what it did, what it could not. */
export interface RestorePredicate {
  tool: { name: string; version: string };
  runId: string;
  /** The run report this restore undoes. */
  restored: { report: string; sha256: string; runId: string };
  runbook: { name: string; file: string; sha256: string; changedSince?: boolean };
  user: string;
  actors: RestoreResult['actors'];
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  status: RestoreResult['status'] | 'failed';
  complete: boolean;
  exitCode: number | undefined;
  error?: string;
  /** --only, --also-sessions-policy. */
  options: { only: string[]; alsoSessionsPolicy: boolean };
  /** Listed up front: what the run did that no restore can undo, and what to do instead. */
  notRestorable: Array<{ step: string; kind: string; id: string; label: string; reason: string; instead?: string }>;
  steps: RestoredStep[];
  totals: Record<string, number>;
}

export function restoreTotals(steps: RestoredStep[]): Record<string, number> {
  const totals: Record<string, number> = { findings: 0 };
  for (const finding of steps.flatMap((s) => s.findings)) {
    totals.findings! += 1;
    totals[finding.outcome] = (totals[finding.outcome] ?? 0) + 1;
  }
  return totals;
}

export const notRestorableOf = (steps: RestoredStep[]): RestorePredicate['notRestorable'] =>
  steps.flatMap((s) => s.findings.filter((f) => f.outcome === 'not-restorable').map((f) => ({ step: s.id, kind: f.kind, id: f.id, label: f.label, reason: f.detail, ...(f.instead ? { instead: f.instead } : {}) })));

export function restoreStatement(predicate: RestorePredicate, journal: JournalSubject) {
  return { _type: STATEMENT_TYPE, subject: [journal], predicateType: RESTORE_PREDICATE_TYPE, predicate };
}

export function restorePredicate(fields: Omit<RestorePredicate, 'tool' | 'notRestorable' | 'totals'>): RestorePredicate {
  return { tool: { name: TOOL_NAME, version: toolVersion() }, ...fields, notRestorable: notRestorableOf(fields.steps), totals: restoreTotals(fields.steps) };
}
