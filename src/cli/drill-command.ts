import { plainProgress } from '../output/plain-progress.js';
import { createStyle } from '../output/style.js';
import { renderDrill } from '../report/render-drill.js';
import { drillTargets, runDrill, type DrillRecord } from '../drill/run-drill.js';
import { drillStatement } from '../drill/statement.js';
import { loadRunbook } from '../runbook/load.js';
import { resolveRun } from '../runbook/resolve.js';
import { reportLine, resolveSigner, runRecordedCommand } from '../session/recorded-command.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { writeLine, type CliIO } from './io.js';

export interface DrillCommandOptions {
  runbook: string;
  canary: string;
  deadline: number;
  set: string[];
  only: string[];
  concurrency: number;
  json?: boolean;
  report: string;
  signKey?: string;
  color: boolean;
}

/** `revoke drill`: parse, check the runbook can be drilled, run it recorded (src/drill), render. */
export async function drillCommand(options: DrillCommandOptions, io: CliIO): Promise<number> {
  const registry = await io.registry();
  const runbook = await loadRunbook(options.runbook, registry);
  const plan = resolveRun(runbook, registry, { user: options.canary, sets: options.set, only: options.only });
  drillTargets(plan, registry); // a provider without drill support is bad input, before anything runs
  const signer = await resolveSigner(options.signKey, io);
  const style = createStyle({ stream: io.stderr, env: io.env, colorFlag: options.color });
  const progress = (line: string) => writeLine(io.stderr, `${style.dim(new Date().toISOString())} ${line}`);
  const record: DrillRecord = {
    canary: plan.user,
    runbook: { name: runbook.name, file: runbook.file, sha256: runbook.sha256 },
    startedAt: new Date().toISOString(),
    deadlineMs: options.deadline,
    canaries: [],
    credentials: [],
    cleanup: { removed: [], leftovers: [] },
    status: 'running',
  };

  const { result, report } = await runRecordedCommand<DrillRecord>({
    io,
    subject: `drill-${plan.user}`,
    reportDir: options.report,
    signer,
    body: (session) =>
      runDrill(plan, registry, session, record, {
        deadlineMs: options.deadline,
        concurrency: options.concurrency,
        env: io.env,
        progress,
        onRunEvent: plainProgress((line) => writeLine(io.stderr, line), style),
      }),
    statement: (ending, journal, runId) => drillStatement(record, journal, runId, ending.status === 'failed' ? ending.error : undefined),
  });

  if (options.json) writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, ...result, ...(report ? { report: report.path } : {}) }, null, 2));
  else writeLine(io.stdout, renderDrill(result, 'text'));
  if (report) writeLine(io.stderr, reportLine('Drill report', report));
  return result.exitCode ?? 1;
}
