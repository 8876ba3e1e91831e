import { sha256Hex } from '../report/journal.js';
import { SECRET_PREDICATE_TYPE, STATEMENT_TYPE, type JournalSubject } from '../report/statement.js';
import type { Ending } from '../session/recorded-command.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { runbookRef, type SecretInput, type SecretResult } from './run-secret.js';

/**
 * The signed statement of `revoke secret` (`urn:revoke:secret:v1`): per secret its fingerprint,
 * context and outcome; who revoke ran as; and, in the run report's step shape (`user`, `steps`,
 * `runbook`), what was taken away, so `revoke watch` can look for use of it afterwards.
 */
export function secretStatement(input: SecretInput, ending: Ending<SecretResult>, journal: JournalSubject, runId: string): object {
  const common = {
    tool: { name: TOOL_NAME, version: toolVersion() },
    runId,
    user: 'secret',
    ...(input.runbook ? { runbook: runbookRef(input.runbook) } : {}),
    input: { source: input.source, sha256: sha256Hex(input.text), secrets: input.secrets.length },
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
  };
  const predicate =
    ending.status === 'completed'
      ? {
          ...common,
          dryRun: ending.result.dryRun,
          status: ending.result.interrupted ? 'interrupted' : 'completed',
          complete: !ending.result.interrupted,
          exitCode: ending.result.exitCode,
          actors: ending.result.actors,
          totals: ending.result.totals,
          calls: ending.result.calls,
          secrets: ending.result.entries,
          steps: ending.result.steps,
        }
      : { ...common, status: 'failed', complete: false, error: ending.error instanceof Error ? ending.error.message : String(ending.error), steps: [] };
  return { _type: STATEMENT_TYPE, subject: [journal], predicateType: SECRET_PREDICATE_TYPE, predicate };
}
