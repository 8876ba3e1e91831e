import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { STATEMENT_TYPE, WATCH_PREDICATE_TYPE } from '../report/statement.js';
import { reportLine, resolveSigner, runRecordedCommand } from '../session/recorded-command.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { eventLine, watchMarkdown, watchText } from '../watch/render.js';
import { runWatch, type WatchResult } from '../watch/run-watch.js';
import { loadWatchedRun } from '../watch/watched-run.js';
import { writeLine, type CliIO } from './io.js';

export interface WatchOptions {
  key?: string;
  since?: string;
  until?: string;
  runbook?: string;
  follow?: boolean;
  interval: number;
  format: 'text' | 'json' | 'md';
  json?: boolean;
  report: string;
  signKey?: string;
  color: boolean;
}

/**
 * After a revocation, is anyone still using (or trying to use) what was taken away? Exit 3 when
 * anything is found, 4 when a provider could not be checked, 0 when quiet; --follow keeps polling
 * until interrupted. The polling lives in src/watch/; this parses, runs it recorded, and renders.
 */
export async function watchCommand(reportPath: string, options: WatchOptions, io: CliIO): Promise<number> {
  const format = options.json ? 'json' : options.format;
  const signer = await resolveSigner(options.signKey, io);
  const publicKeyPem = options.key ? readPublicKey(options.key) : signer.publicKeyPem;
  const registry = await io.registry();
  const watched = await loadWatchedRun(reportPath, publicKeyPem, registry, { ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}), ...(options.runbook ? { runbook: options.runbook } : {}) });
  const { predicate, since, until } = watched;
  const window = { since: since.toISOString(), ...(until ? { until: until.toISOString() } : {}) };

  const { result, report } = await runRecordedCommand<WatchResult>({
    io,
    subject: 'watch',
    reportDir: options.report,
    signer,
    body: (session) =>
      runWatch(watched, registry, session, {
        follow: Boolean(options.follow),
        intervalMs: options.interval,
        env: io.env,
        ...(options.follow ? { onEvent: (event) => writeLine(io.stdout, eventLine(event)) } : {}),
      }),
    statement: (ending, journal, runId) => ({
      _type: STATEMENT_TYPE,
      subject: [journal],
      predicateType: WATCH_PREDICATE_TYPE,
      predicate: {
        tool: { name: TOOL_NAME, version: toolVersion() },
        runId,
        watched: { report: basename(reportPath), sha256: watched.reportFile.sha256, runId: predicate.runId },
        user: predicate.user,
        ...window,
        ...(ending.status === 'completed'
          ? { events: ending.result.events, skipped: ending.result.notChecked, complete: ending.result.complete, exitCode: ending.result.exitCode }
          : { status: 'failed', error: ending.error instanceof Error ? ending.error.message : String(ending.error), complete: false }),
      },
    }),
  });

  if (format === 'json') {
    writeLine(io.stdout, JSON.stringify({ user: predicate.user, since: window.since, events: result.events, skipped: result.notChecked, complete: result.complete, exitCode: result.exitCode, report: report?.path }, null, 2));
  } else if (format === 'md') {
    io.stdout.write(watchMarkdown(predicate.user, result));
  } else if (!options.follow) {
    writeLine(io.stdout, watchText(predicate.user, since, result));
  }
  if (report) writeLine(io.stderr, reportLine('Watch report', report));
  return result.exitCode;
}

function readPublicKey(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new InvalidInputError(`cannot read public key ${path}`, 'pass the public key of whoever signed the report');
  }
}
