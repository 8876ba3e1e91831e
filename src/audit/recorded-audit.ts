import { ExitCode } from '../exit-codes.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { sha256Hex } from '../report/journal.js';
import { AUDIT_PREDICATE_TYPE, STATEMENT_TYPE, type JournalSubject } from '../report/statement.js';
import type { Runbook } from '../runbook/model.js';
import type { Ending, RecordedSession } from '../session/recorded-command.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { auditJson, summarize } from './render.js';
import { runAudit, type AuditUserResult } from './run-audit.js';
import type { AuditUser } from './users-file.js';

/** What an audit is run on: the runbook, the (sharded) users and where they came from. */
export interface AuditInput {
  runbook: Runbook;
  users: AuditUser[];
  source: string;
  /** The raw --users input, for its digest in the record. */
  text: string;
  shard: string | undefined;
  startedAt: string;
}

export type AuditResult = Awaited<ReturnType<typeof runRecordedAudit>>;

/**
 * The body of `revoke audit` in the recorded-command pipeline: journals the start, every user
 * with access or a failed check, and the end; decides the exit code (130, 1, 3 or 0).
 */
export async function runRecordedAudit(
  input: AuditInput,
  registry: ProviderRegistry,
  { runId, record, stop }: RecordedSession,
  options: { concurrency: number; env: NodeJS.ProcessEnv; onProgress(done: number, withAccess: number): void },
) {
  const runbookRef = runbookOf(input);
  record('audit-started', { runId, runbook: runbookRef, input: { source: input.source, sha256: sha256Hex(input.text), users: input.users.length }, ...(input.shard ? { shard: input.shard } : {}) });
  let withAccess = 0;
  try {
    const outcome = await runAudit(input.runbook, registry, input.users, {
      concurrency: options.concurrency,
      env: options.env,
      signal: stop.signal,
      isStopped: () => stop.requested,
      onUser: (result: AuditUserResult, done) => {
        if (result.hasAccess) withAccess++;
        if (result.hasAccess || result.failed) record('user-audited', auditedEntry(result));
        options.onProgress(done, withAccess);
      },
    });
    const summary = summarize(outcome, input.shard);
    // As `watch`: access found outranks not fully checked, which is never read as quiet (4, not 0).
    const exitCode = stop.requested ? ExitCode.Interrupted : summary.withAccess > 0 ? ExitCode.AccessFound : outcome.failedProviders.length > 0 ? ExitCode.Incomplete : ExitCode.Success;
    record('audit-finished', { status: stop.requested ? 'interrupted' : 'completed', summary, exitCode });
    return { runId, outcome, summary, exitCode, complete: !stop.requested, body: auditJson(outcome, summary, runbookRef) };
  } catch (error) {
    record('audit-finished', { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** The signed audit statement (`urn:revoke:audit:v1`), for a finished audit or a failed one. */
export function auditStatement(input: AuditInput, ending: Ending<AuditResult>, journal: JournalSubject, runId: string): object {
  return {
    _type: STATEMENT_TYPE,
    subject: [journal],
    predicateType: AUDIT_PREDICATE_TYPE,
    predicate: {
      tool: { name: TOOL_NAME, version: toolVersion() },
      runId,
      input: { source: input.source, sha256: sha256Hex(input.text) },
      startedAt: input.startedAt,
      finishedAt: new Date().toISOString(),
      ...(ending.status === 'completed'
        ? { complete: ending.result.complete, exitCode: ending.result.exitCode, ...ending.result.body }
        : { complete: false, status: 'failed', error: ending.error instanceof Error ? ending.error.message : String(ending.error), runbook: runbookOf(input) }),
    },
  };
}

const runbookOf = ({ runbook }: AuditInput) => ({ name: runbook.name, file: runbook.file, sha256: runbook.sha256 });

/** What the journal keeps of a user with access or a failed check (clean users are only counted). */
function auditedEntry(result: AuditUserResult): Record<string, unknown> {
  return {
    user: result.user,
    line: result.line,
    steps: result.steps.map((s) => ({ step: s.step, provider: s.provider, identity: s.identity, findings: s.findings.map((f) => ({ kind: f.kind, id: f.id, label: f.label })), ...(s.error ? { error: s.error } : {}) })),
  };
}
