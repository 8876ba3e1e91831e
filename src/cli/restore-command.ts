import { writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { StopController } from '../engine/stop.js';
import { InvalidInputError } from '../errors.js';
import { createStyle } from '../output/style.js';
import { readPublicKeyFile } from '../report/verify.js';
import { restorePredicate, restoreStatement } from '../restore/predicate.js';
import { prepareRestore } from '../restore/prepare.js';
import { restoreText } from '../restore/render.js';
import { runRestore, type RestoreResult } from '../restore/run-restore.js';
import { reportLine, resolveSigner, runRecordedCommand } from '../session/recorded-command.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { isInteractive, writeLine, type CliIO } from './io.js';
import { verifyingKeyHint } from './public-key.js';

export interface RestoreOptions {
  key?: string;
  runbook?: string;
  only: string[];
  dryRun?: boolean;
  yes?: boolean;
  alsoSessionsPolicy?: boolean;
  planOut?: string;
  json?: boolean;
  concurrency: number;
  report?: string;
  signKey?: string;
  color: boolean;
}

/**
 * Undoes the reversible part of a run from its signed report. Parses, hands the work to
 * src/restore/ inside the recorded-command pipeline (journal + signed `urn:revoke:restore:v1`
 * report), and renders.
 */
export async function restoreCommand(reportPath: string, options: RestoreOptions, io: CliIO): Promise<number> {
  if (!options.dryRun && !options.yes && !isInteractive(io)) {
    throw new InvalidInputError('a real restore needs confirmation, and there is no terminal to ask on (or CI is set)', 'pass --yes to confirm non-interactively, or --dry-run to only print what would be restored');
  }
  if (options.planOut && !options.dryRun) throw new InvalidInputError('--plan-out saves the plan of a dry run', 'add --dry-run');
  const signer = await resolveSigner(options.signKey, io);
  const publicKeyPem = options.key ? readPublicKeyFile(options.key, 'whoever signed the report') : signer.publicKeyPem;
  const registry = await io.registry();
  const { opened, steps, connectPlan } = await prepareRestore(reportPath, publicKeyPem, registry, { ...(options.runbook ? { runbook: options.runbook } : {}), only: options.only });
  const { predicate } = opened;
  const human = options.json ? io.stderr : io.stdout;
  const progressStyle = createStyle({ stream: io.stderr, env: io.env, colorFlag: options.color });
  const view = (result: Pick<RestoreResult, 'steps'>, dryRun: boolean) => restoreText({ user: predicate.user, report: basename(reportPath), dryRun, steps: result.steps });
  const restored = { report: basename(reportPath), sha256: opened.reportFile.sha256, runId: predicate.runId };
  const startedAt = new Date().toISOString();

  const { result, report } = await runRecordedCommand<RestoreResult>({
    io,
    subject: `restore-${predicate.user}`,
    reportDir: options.report ?? dirname(reportPath),
    signer,
    body: async (session) => {
      session.record('restore-started', { runId: session.runId, restored, user: predicate.user, dryRun: Boolean(options.dryRun), runbook: { file: opened.runbookPath, sha256: opened.runbook.sha256 }, only: options.only });
      return runRestore(steps, connectPlan, registry, session, {
        dryRun: Boolean(options.dryRun),
        concurrency: options.concurrency,
        undoSessionCutoffs: Boolean(options.alsoSessionsPolicy),
        env: io.env,
        progress: (line) => writeLine(io.stderr, `${progressStyle.dim(new Date().toISOString())} ${line}`),
        confirm: async (plan) => {
          writeLine(human, view({ steps: plan }, false));
          if (options.yes) return { approved: true, by: 'flag' };
          return { approved: await askToRestore(plan.flatMap((s) => s.findings).filter((f) => f.outcome === 'planned').length, predicate.user, io, session.stop), by: 'prompt' };
        },
      });
    },
    statement: (ending, journal, runId) =>
      restoreStatement(
        restorePredicate({
          runId,
          restored,
          runbook: { name: opened.runbook.name, file: opened.runbookPath, sha256: opened.runbook.sha256, ...(opened.runbookChanged ? { changedSince: true } : {}) },
          user: predicate.user,
          actors: ending.status === 'completed' ? ending.result.actors : [],
          startedAt,
          finishedAt: new Date().toISOString(),
          dryRun: Boolean(options.dryRun),
          status: ending.status === 'completed' ? ending.result.status : 'failed',
          complete: ending.status === 'completed' && ending.result.status !== 'interrupted',
          exitCode: ending.status === 'completed' ? ending.result.exitCode : undefined,
          ...(ending.status === 'failed' ? { error: ending.error instanceof Error ? ending.error.message : String(ending.error) } : {}),
          options: { only: options.only, alsoSessionsPolicy: Boolean(options.alsoSessionsPolicy) },
          steps: ending.status === 'completed' ? ending.result.steps : [],
        }),
        journal,
      ),
  });

  if (result.dryRun || result.status !== 'cancelled') writeLine(human, view(result, result.dryRun));
  if (report) writeLine(human, `${reportLine('Restore report', report)}\n  verify it with: revoke verify ${report.path} --key ${verifyingKeyHint(signer.source, io.env)}`);
  if (options.planOut) {
    writeFileSync(options.planOut, `${JSON.stringify({ restorePlan: 1, restored, user: predicate.user, steps: result.steps }, null, 2)}\n`);
    writeLine(human, `Restore plan: ${options.planOut} (for review; revoke apply does not take restore plans)`);
  }
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, restored, user: predicate.user, ...result, ...(report ? { report: { path: report.path, journal: report.journal, keyid: report.keyid } } : {}) }, null, 2));
  }
  return result.exitCode;
}

async function askToRestore(count: number, user: string, io: CliIO, stop: StopController): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message: `Restore these ${count} item${count === 1 ? '' : 's'} to ${user} now?`, default: false }, { input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream, signal: stop.signal });
  } catch (error) {
    // Ctrl-C at the prompt arrives as ExitPromptError, not SIGINT (the terminal is in raw mode).
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      stop.request('SIGINT');
      return false;
    }
    throw error;
  }
}
