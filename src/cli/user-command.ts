import { basename, resolve } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { RunEventStream } from '../engine/events.js';
import { RunRecorder } from '../engine/record.js';
import { executeRun, type RunOutcome } from '../engine/run.js';
import { StopController } from '../engine/stop.js';
import { plainProgress } from '../output/plain-progress.js';
import { renderPlan } from '../output/plan-text.js';
import { createStyle } from '../output/style.js';
import { renderSummary } from '../output/summary-text.js';
import { resumePoint, unfinishedJournals } from '../report/resume.js';
import { buildStatement } from '../report/statement.js';
import { reportLine, resolveSigner, runRecordedCommand, type SignedReport } from '../session/recorded-command.js';
import type { Signer } from '../report/signer.js';
import { DEFAULT_PLAN_TTL_MS, refuseForeignActors, refuseRetargetedSteps, type PlanBinding } from '../plan/binding.js';
import { planFromRecord, writePlan } from '../plan/plan-file.js';
import { loadRunbook } from '../runbook/load.js';
import { resolveRun } from '../runbook/resolve.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { isInteractive, writeLine, type CliIO } from './io.js';
import { verifyingKeyHint } from './public-key.js';

export interface UserOptions {
  runbook: string;
  dryRun?: boolean;
  yes?: boolean;
  set: string[];
  only: string[];
  concurrency: number;
  detailedExitcode?: boolean;
  recent?: number;
  failOnWarning?: boolean;
  json?: boolean;
  color: boolean;
  report: string;
  signKey?: string;
  resume?: string;
  planOut?: string;
  /** With planOut: how long the plan may be applied (ms); default 24 h. */
  planTtl?: number;
}

/** What `revoke apply` adds to a run: the approved findings and the runbook digest they assume. */
export interface ApplyContext {
  approved: Map<string, Map<string, string>>;
  allowDrift: boolean;
  runbookSha256: string;
  planPath: string;
  /** Where the plan was made and whom each step targets: checked against this run. */
  binding: PlanBinding;
}

export async function userCommand(user: string, options: UserOptions, io: CliIO, apply?: ApplyContext): Promise<number> {
  refuseContradictoryOptions(options, io, apply !== undefined);
  const registry = await io.registry();
  const runbook = await loadRunbook(options.runbook, registry);
  if (apply && runbook.sha256 !== apply.runbookSha256) {
    throw new InvalidInputError(`the runbook ${options.runbook} changed since the plan ${apply.planPath} was made; nothing was done`, 'make a new plan with the current runbook');
  }
  const plan = resolveRun(runbook, registry, { user, sets: options.set, only: options.only });
  if (apply) refuseRetargetedSteps(apply.binding, plan, apply.planPath);
  // The key is checked before anything runs: a bad key is bad input, not a half-recorded run.
  const signer = await resolveSigner(options.signKey, io);
  const resumed = options.resume ? resumePoint(options.resume, runbook.sha256, plan.user) : undefined;
  if (!resumed) {
    for (const path of unfinishedJournals(resolve(options.report), runbook.sha256, plan.user)) {
      writeLine(io.stderr, `note: an earlier run for ${plan.user} with this runbook did not finish (${path}); to continue it, add --resume ${path}`);
    }
  }

  const human = options.json ? io.stderr : io.stdout;
  const style = createStyle({ stream: human, env: io.env, colorFlag: options.color });
  const progressStyle = createStyle({ stream: io.stderr, env: io.env, colorFlag: options.color });
  const events = new RunEventStream();
  const recorder = new RunRecorder();
  events.subscribe(recorder.listener);
  // listr2 draws on stdout, so live progress only when stdout (and stderr) are a terminal and
  // stdout is not reserved for --json; it only loads then. Otherwise plain lines on stderr.
  const live =
    io.stderr.isTTY && io.stdout.isTTY && !options.json && io.env.TERM !== 'dumb'
      ? new (await import('../output/listr-progress.js')).ListrProgress(io.stderr as NodeJS.WriteStream)
      : undefined;

  const { result: outcome, report } = await runRecordedCommand<RunOutcome>({
    io,
    subject: plan.user,
    reportDir: options.report,
    signer,
    onStopRequested: (signal) => {
      events.emit({ type: 'stop-requested', signal });
      if (live) writeLine(io.stderr, `${signal}: stopping after in-flight calls (press Ctrl-C again to abort them)`);
    },
    body: async ({ runId, journal, stop }) => {
      events.subscribe(journal.listener); // before progress: recorded before it is shown
      events.subscribe(live ? live.listener : plainProgress((line) => writeLine(io.stderr, line), progressStyle));
      try {
        return await executeRun(plan, registry, events, {
          dryRun: Boolean(options.dryRun),
          concurrency: options.concurrency,
          detailedExitCode: Boolean(options.detailedExitcode),
          ...(options.recent !== undefined ? { recentMs: options.recent } : {}),
          failOnWarning: Boolean(options.failOnWarning),
          // --yes confirms before discovery: containment fires right after connect.
          confirmedUpFront: Boolean(options.yes),
          env: io.env,
          stop,
          runId,
          durable: () => journal.durable(),
          ...(resumed ? { resumedFrom: { journal: resumed.journal, sha256: resumed.sha256, runId: resumed.runId } } : {}),
          ...(apply
            ? { approved: { findings: apply.approved, allowDrift: apply.allowDrift, refuseConnections: (connected) => refuseForeignActors(apply.binding.actors, connected, apply.planPath) } }
            : {}),
          confirm: async () => {
            await live?.settled();
            writeLine(human, renderPlan(recorder.record, style));
            if (options.yes) return { approved: true, by: 'flag' };
            return { approved: await askToProceed(recorder.record.totals.findings, recorder.record.warnings.length, plan.user, io, stop), by: 'prompt' };
          },
        });
      } finally {
        await live?.settled();
      }
    },
    // Every run that started ends with a signed report, whatever happened to it.
    statement: (_ending, journal) =>
      recorder.started
        ? buildStatement(recorder.record, [journal, ...(resumed ? [{ name: basename(resumed.path), digest: { sha256: resumed.sha256 } }] : [])], resumed ? { journal: resumed.journal, sha256: resumed.sha256, runId: resumed.runId } : undefined)
        : undefined,
  });

  await renderRunResult(recorder.record, report, { human, style, signer, options, io });
  return outcome.exitCode;
}

/** After the run: the plan or summary, where the report is, the saved plan, and --json. */
async function renderRunResult(
  record: RunRecorder['record'],
  report: SignedReport | undefined,
  { human, style, signer, options, io }: { human: NodeJS.WritableStream; style: ReturnType<typeof createStyle>; signer: Signer; options: UserOptions; io: CliIO },
): Promise<void> {
  // An interrupted real run with nothing found yet gets the plan too: it says which steps were never discovered.
  if (record.dryRun || record.totals.findings === 0) writeLine(human, renderPlan(record, style));
  if (!record.dryRun && record.totals.findings > 0) writeLine(human, renderSummary(record, style));
  if (report) writeLine(human, `${reportLine('Report', report)}\n  verify it with: revoke verify ${report.path} --key ${verifyingKeyHint(signer.source, io.env)}`);
  if (options.planOut && record.status === 'completed') {
    await writePlan(options.planOut, planFromRecord(record, options.set, options.only, options.planTtl ?? DEFAULT_PLAN_TTL_MS), signer);
    writeLine(human, `Plan (signed): ${options.planOut}; apply exactly it with: revoke apply ${options.planOut}`);
  }
  if (options.json) {
    const reportInfo = report ? { report: { path: report.path, journal: report.journal, keyid: report.keyid } } : {};
    writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, ...record, ...reportInfo }, null, 2));
  }
}

/** Option combinations that cannot work, refused before anything loads or connects. */
function refuseContradictoryOptions(options: UserOptions, io: CliIO, isApply: boolean): void {
  const interactive = isInteractive(io);
  // Decided before anything else, so a CI job without --yes fails at once instead of hanging.
  if (!options.dryRun && !options.yes && !interactive) {
    throw new InvalidInputError(
      io.stdin.isTTY && io.stderr.isTTY ? 'a real run needs confirmation, and CI is set (no prompts in CI)' : 'a real run needs confirmation, and there is no terminal to ask on',
      // apply has no --dry-run: don't suggest it there.
      isApply ? 'pass --yes to confirm non-interactively' : 'pass --yes to confirm non-interactively, or --dry-run to only print what would be revoked',
    );
  }
  if (options.detailedExitcode && !options.dryRun) {
    throw new InvalidInputError('--detailed-exitcode only applies to dry runs', 'add --dry-run, or drop --detailed-exitcode');
  }
  if (options.failOnWarning && !options.dryRun) throw new InvalidInputError('--fail-on-warning applies to dry runs', 'add --dry-run');
  if (options.planOut && !options.dryRun) throw new InvalidInputError('--plan-out saves the plan of a dry run', 'add --dry-run');
}

async function askToProceed(findings: number, warnings: number, user: string, io: CliIO, stop: StopController): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm(
      { message: `Revoke these ${findings} item${findings === 1 ? '' : 's'} from ${user} now?${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'} above)` : ''}`, default: false },
      { input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream, signal: stop.signal },
    );
  } catch (error) {
    // Ctrl-C at the prompt arrives as ExitPromptError, not SIGINT (the terminal is in raw mode).
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      stop.request('SIGINT');
      return false;
    }
    throw error;
  }
}
