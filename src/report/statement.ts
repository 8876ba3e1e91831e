import type { RunRecord } from '../engine/record.js';
import { TOOL_NAME, toolVersion } from '../version.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'urn:revoke:report:v1';
export const AUDIT_PREDICATE_TYPE = 'urn:revoke:audit:v1';
export const WATCH_PREDICATE_TYPE = 'urn:revoke:watch:v1';
export const DRILL_PREDICATE_TYPE = 'urn:revoke:drill:v1';
export const SECRET_PREDICATE_TYPE = 'urn:revoke:secret:v1';

export interface JournalSubject {
  name: string;
  digest: { sha256: string };
}

export interface ReportPredicate {
  tool: { name: string; version: string };
  runId: string;
  runbook: RunRecord['runbook'];
  user: string;
  /** Who the person is on each provider instance the run touched (after templates). */
  identities: Array<{ step: string; provider: string; providerType: string; user: string }>;
  /** Who revoke ran as on each provider. */
  actors: RunRecord['actors'];
  startedAt: string;
  finishedAt: string | undefined;
  dryRun: boolean;
  status: RunRecord['status'];
  /** False when the run was interrupted or crashed before finishing. */
  complete: boolean;
  exitCode: number | undefined;
  warnings: string[];
  steps: RunRecord['steps'];
  totals: RunRecord['totals'];
  resumedFrom?: { journal: string; sha256: string; runId: string };
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: JournalSubject[];
  predicateType: typeof PREDICATE_TYPE | typeof AUDIT_PREDICATE_TYPE | typeof WATCH_PREDICATE_TYPE | typeof SECRET_PREDICATE_TYPE | typeof DRILL_PREDICATE_TYPE;
  predicate: ReportPredicate;
}

/** The in-toto Statement for a run: the journal(s) as subject, the run's record as predicate. */
export function buildStatement(record: RunRecord, subjects: JournalSubject[], resumedFrom?: ReportPredicate['resumedFrom']): Statement {
  const predicate: ReportPredicate = {
    tool: { name: TOOL_NAME, version: toolVersion() },
    runId: record.runId,
    runbook: record.runbook,
    user: record.user,
    identities: record.steps.map((s) => ({ step: s.id, provider: s.provider, providerType: s.providerType, user: s.user })),
    actors: record.actors,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    dryRun: record.dryRun,
    status: record.status,
    complete: record.status !== 'interrupted' && record.status !== 'running',
    exitCode: record.exitCode,
    warnings: record.warnings,
    steps: record.steps,
    totals: record.totals,
  };
  if (resumedFrom) predicate.resumedFrom = resumedFrom;
  return { _type: STATEMENT_TYPE, subject: subjects, predicateType: PREDICATE_TYPE, predicate };
}
