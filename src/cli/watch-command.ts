import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { connectProviders } from '../engine/connect.js';
import { RunEventStream } from '../engine/events.js';
import { disconnectAll, newRunId } from '../engine/run.js';
import { errorMessage, InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { WatchEvent } from '../providers/types.js';
import { GENESIS, JournalWriter, sha256Hex } from '../report/journal.js';
import { loadSigner } from '../report/signer.js';
import { PREDICATE_TYPE, WATCH_PREDICATE_TYPE, type ReportPredicate } from '../report/statement.js';
import { verifyReport } from '../report/verify.js';
import { writeJournaledReport } from '../report/write-report.js';
import { loadRunbook } from '../runbook/load.js';
import { resolveRun } from '../runbook/resolve.js';
import { writeLine, type CliIO } from './io.js';
import { markdownText } from '../output/markdown.js';

export interface WatchOptions {
  key?: string;
  since?: string;
  until?: string;
  follow?: boolean;
  interval: number;
  format: 'text' | 'json' | 'md';
  json?: boolean;
  report: string;
  signKey?: string;
  color: boolean;
}

interface FoundEvent extends WatchEvent {
  provider: string;
  identity: string;
}

/**
 * After a revocation, is anyone still using (or trying to use) what was taken away? Reads a
 * verified report and asks each provider for use since the revocation. Exit 3 when anything is
 * found, 0 when quiet; --follow keeps polling until interrupted.
 */
export async function watchCommand(reportPath: string, options: WatchOptions, io: CliIO): Promise<number> {
  if (options.json) options = { ...options, format: 'json' };
  const signer = await loadSigner({ ...(options.signKey !== undefined ? { signKey: options.signKey } : {}), env: io.env });
  let publicKeyPem = signer.publicKeyPem;
  if (options.key) {
    try {
      publicKeyPem = readFileSync(options.key, 'utf8');
    } catch {
      throw new InvalidInputError(`cannot read public key ${options.key}`, 'pass the public key of whoever signed the report');
    }
  }
  const verification = verifyReport(reportPath, publicKeyPem);
  if (!verification.valid || verification.statement?.predicateType !== PREDICATE_TYPE) {
    const failed = verification.checks.find((c) => !c.ok);
    throw new InvalidInputError(`refusing to watch ${reportPath}: it does not verify${failed ? ` (${failed.name}: ${failed.detail})` : ' as a run report'}`, 'pass a run report and the public key it was signed with (--key)');
  }
  const predicate = verification.statement.predicate as ReportPredicate;
  const since = parseDate(options.since, '--since') ?? new Date(predicate.finishedAt ?? predicate.startedAt);
  const until = parseDate(options.until, '--until');

  const registry = await io.registry();
  const runbook = await loadRunbook(predicate.runbook.file, registry);
  if (runbook.sha256 !== predicate.runbook.sha256) {
    throw new InvalidInputError(`the runbook ${predicate.runbook.file} changed since the report was made`, 'watch with the runbook the run used');
  }
  const revokedSteps = predicate.steps.filter((s) => s.findings.some((f) => f.outcome === 'revoked' || f.outcome === 'already-gone'));
  if (revokedSteps.length === 0) throw new InvalidInputError(`${reportPath} records nothing revoked: nothing to watch`, 'pass the report of a real run');
  const plan = resolveRun(runbook, registry, { user: predicate.user, only: revokedSteps.map((s) => s.id) });
  const connections = await connectProviders(plan, registry, new RunEventStream(), { env: io.env, signal: new AbortController().signal });

  const seen = new Map<string, FoundEvent>();
  const skipped: Array<{ provider: string; reason: string }> = [];
  const poll = async (): Promise<FoundEvent[]> => {
    const fresh: FoundEvent[] = [];
    for (const instance of plan.providers) {
      const provider = registry.get(instance.type)!;
      const steps = revokedSteps.filter((s) => s.provider === instance.name);
      if (!provider.watch) {
        if (!skipped.some((s) => s.provider === instance.name)) skipped.push({ provider: instance.name, reason: `provider type ${instance.type} cannot watch` });
        continue;
      }
      for (const identity of [...new Set(steps.map((s) => s.user))]) {
        const revoked = steps.filter((s) => s.user === identity).flatMap((s) => s.findings.filter((f) => f.outcome === 'revoked' || f.outcome === 'already-gone').map((f) => ({ kind: f.kind, id: f.id, ...(f.detail ? { detail: f.detail } : {}) })));
        const result = await provider.watch(connections.get(instance.name)!.client, { user: identity, revoked, since, ...(until ? { until } : {}) });
        if (result.skipped && !skipped.some((s) => s.provider === instance.name)) skipped.push({ provider: instance.name, reason: result.skipped });
        for (const event of result.events) {
          const key = `${instance.name}/${event.id}`;
          if (seen.has(key)) continue;
          const found = { ...event, provider: instance.name, identity };
          seen.set(key, found);
          fresh.push(found);
        }
      }
    }
    return fresh;
  };

  const runId = newRunId('watch');
  const reportDir = resolve(options.report);
  const journal = new JournalWriter(join(reportDir, `${runId}.journal.jsonl`), GENESIS);
  let seq = 0;
  const record = (type: string, body: Record<string, unknown>) => journal.append({ ...body, type, seq: ++seq, ts: new Date().toISOString() });
  record('watch-started', { runId, watched: { report: basename(reportPath), sha256: sha256Hex(readFileSync(reportPath)) }, user: predicate.user, since: since.toISOString(), ...(until ? { until: until.toISOString() } : {}) });

  let interrupted = false;
  const onSignal = () => (interrupted = true);
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  const line = (e: FoundEvent) => `${e.time} ${e.provider} ${e.identity}: ${e.what} [${e.outcome}]`;
  try {
    for (const event of await poll()) {
      record('event', { ...event });
      if (options.follow) writeLine(io.stdout, line(event));
    }
    while (options.follow && !interrupted) {
      await sleepUnless(options.interval, () => interrupted);
      if (interrupted) break;
      for (const event of await poll()) {
        record('event', { ...event });
        writeLine(io.stdout, line(event));
      }
    }
  } catch (error) {
    record('watch-finished', { status: 'failed', error: errorMessage(error) });
    journal.close();
    throw error;
  } finally {
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
    await disconnectAll(plan, registry, connections);
  }
  const events = [...seen.values()].sort((a, b) => a.time.localeCompare(b.time));
  const exitCode = interrupted ? ExitCode.Interrupted : events.length > 0 ? ExitCode.AccessFound : ExitCode.Success;
  record('watch-finished', { status: interrupted ? 'interrupted' : 'completed', events: events.length, exitCode });
  journal.close();

  const watchReport = await writeJournaledReport({
    dir: reportDir,
    id: runId,
    journalPath: journal.path,
    predicateType: WATCH_PREDICATE_TYPE,
    predicate: {
      watched: { report: basename(reportPath), sha256: sha256Hex(readFileSync(reportPath)), runId: predicate.runId },
      user: predicate.user,
      since: since.toISOString(),
      ...(until ? { until: until.toISOString() } : {}),
      events,
      skipped,
      exitCode,
    },
    signer,
  });

  if (options.format === 'json') {
    writeLine(io.stdout, JSON.stringify({ user: predicate.user, since: since.toISOString(), events, skipped, exitCode, report: watchReport }, null, 2));
  } else if (options.format === 'md') {
    const rows = events.map((e) => `| ${e.time} | ${markdownText(e.provider)} | ${markdownText(e.identity)} | ${markdownText(e.what)} | ${e.outcome} |`);
    io.stdout.write(`## revoke watch: ${markdownText(predicate.user)} ${events.length ? `— ${events.length} event(s) after the revocation` : '— quiet'}\n\n${rows.length ? `| time | provider | identity | what | outcome |\n|---|---|---|---|---|\n${rows.join('\n')}\n` : 'No use or attempted use since the revocation.\n'}${skipped.map((s) => `\n- ${markdownText(s.provider)}: not checked: ${markdownText(s.reason)}`).join('')}\n`);
  } else if (!options.follow) {
    writeLine(io.stdout, events.length ? `${events.length} use${events.length === 1 ? '' : 's'} or attempt${events.length === 1 ? '' : 's'} by ${predicate.user} since ${since.toISOString()}:` : `Quiet: no use or attempted use by ${predicate.user} since ${since.toISOString()}.`);
    for (const event of events) writeLine(io.stdout, `  ${line(event)}`);
    for (const s of skipped) writeLine(io.stdout, `  ${s.provider}: not checked: ${s.reason}`);
  }
  writeLine(io.stderr, `Watch report (signed): ${watchReport}`);
  return exitCode;
}

function parseDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidInputError(`${flag} ${value} is not a date`, 'use ISO 8601, e.g. 2026-11-28T09:00:00Z');
  return date;
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (stop() || Date.now() - started >= ms) {
        clearInterval(tick);
        resolve();
      }
    }, Math.min(100, ms));
  });
}
