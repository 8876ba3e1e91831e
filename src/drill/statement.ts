import { DRILL_PREDICATE_TYPE, STATEMENT_TYPE, type JournalSubject } from '../report/statement.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import type { DrillRecord } from './run-drill.js';

/** The signed drill statement: whatever the drill learned, also after a failure or Ctrl-C. */
export function drillStatement(record: DrillRecord, journal: JournalSubject, runId: string, failure?: unknown): object {
  return {
    _type: STATEMENT_TYPE,
    subject: [journal],
    predicateType: DRILL_PREDICATE_TYPE,
    predicate: {
      tool: { name: TOOL_NAME, version: toolVersion() },
      runId,
      ...record,
      ...(failure !== undefined ? { status: 'failed', error: failure instanceof Error ? failure.message : String(failure), exitCode: (failure as { exitCode?: number }).exitCode ?? 1 } : {}),
    },
  };
}
