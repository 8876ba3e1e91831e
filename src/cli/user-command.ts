import { InvalidInputError } from '../errors.js';
import { RunEventStream } from '../engine/events.js';
import { RunRecorder } from '../engine/record.js';
import { executeRun } from '../engine/run.js';
import { StopController } from '../engine/stop.js';
import { plainProgress } from '../output/plain-progress.js';
import { renderPlan } from '../output/plan-text.js';
import { createStyle } from '../output/style.js';
import { renderSummary } from '../output/summary-text.js';
import { loadRunbook } from '../runbook/load.js';
import { resolveRun } from '../runbook/resolve.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { writeLine, type CliIO } from './io.js';

export interface UserOptions {
  runbook: string;
  dryRun?: boolean;
  yes?: boolean;
  set: string[];
  only: string[];
  concurrency: number;
  detailedExitcode?: boolean;
  json?: boolean;
  color: boolean;
}

/** How long in-flight provider calls may take to finish after Ctrl-C before they are aborted. */
const STOP_GRACE_MS = 10_000;

export async function userCommand(user: string, options: UserOptions, io: CliIO): Promise<number> {
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY);
  // Decided before anything else, so a CI job without --yes fails at once instead of hanging.
  if (!options.dryRun && !options.yes && !interactive) {
    throw new InvalidInputError(
      'a real run needs confirmation, and there is no terminal to ask on',
      'pass --yes to confirm non-interactively, or --dry-run to only print what would be revoked',
    );
  }
  if (options.detailedExitcode && !options.dryRun) {
    throw new InvalidInputError('--detailed-exitcode only applies to dry runs', 'add --dry-run, or drop --detailed-exitcode');
  }

  const registry = await io.registry();
  const runbook = await loadRunbook(options.runbook, registry);
  const plan = resolveRun(runbook, registry, { user, sets: options.set, only: options.only });

  const human = options.json ? io.stderr : io.stdout;
  const style = createStyle({ stream: human, env: io.env, colorFlag: options.color });
  const progressStyle = createStyle({ stream: io.stderr, env: io.env, colorFlag: options.color });
  const events = new RunEventStream();
  const recorder = new RunRecorder();
  events.subscribe(recorder.listener);
  // listr2 only loads when there is a terminal to draw on.
  const live = io.stderr.isTTY && io.env.TERM !== 'dumb' ? new (await import('../output/listr-progress.js')).ListrProgress(io.stderr as NodeJS.WriteStream) : undefined;
  events.subscribe(live ? live.listener : plainProgress((line) => writeLine(io.stderr, line), progressStyle));

  const stop = new StopController(STOP_GRACE_MS);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.request(signal)) {
      events.emit({ type: 'stop-requested', signal });
      if (live) writeLine(io.stderr, `${signal}: stopping after in-flight calls (press Ctrl-C again to abort them)`);
    } else {
      writeLine(io.stderr, `${signal} again: aborting in-flight calls`);
      stop.abortNow();
    }
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);

  try {
    const outcome = await executeRun(plan, registry, events, {
      dryRun: Boolean(options.dryRun),
      concurrency: options.concurrency,
      detailedExitCode: Boolean(options.detailedExitcode),
      env: io.env,
      stop,
      confirm: async () => {
        await live?.settled();
        writeLine(human, renderPlan(recorder.record, style));
        if (options.yes) return { approved: true, by: 'flag' };
        return { approved: await askToProceed(recorder.record.totals.findings, plan.user, io, stop), by: 'prompt' };
      },
    });
    await live?.settled();
    const record = recorder.record;
    if (record.dryRun || (record.totals.findings === 0 && record.status !== 'interrupted')) writeLine(human, renderPlan(record, style));
    if (!record.dryRun && record.totals.findings > 0) writeLine(human, renderSummary(record, style));
    if (options.json) writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, ...record }, null, 2));
    return outcome.exitCode;
  } finally {
    stop.dispose();
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
  }
}

async function askToProceed(findings: number, user: string, io: CliIO, stop: StopController): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm(
      { message: `Revoke these ${findings} item${findings === 1 ? '' : 's'} from ${user} now?`, default: false },
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

