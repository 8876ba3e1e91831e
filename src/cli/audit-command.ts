import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auditJson, auditMarkdown, auditText, summarize } from '../audit/render.js';
import { runAudit, type AuditUserResult } from '../audit/run-audit.js';
import { inShard, parseShard, parseUsers, readUsersInput } from '../audit/users-file.js';
import { InvalidInputError } from '../errors.js';
import { newRunId } from '../engine/run.js';
import { StopController } from '../engine/stop.js';
import { ExitCode } from '../exit-codes.js';
import { GENESIS, JournalWriter, sha256Hex } from '../report/journal.js';
import { loadSigner } from '../report/signer.js';
import { AUDIT_PREDICATE_TYPE } from '../report/statement.js';
import { writeJournaledReport } from '../report/write-report.js';
import { loadRunbook } from '../runbook/load.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { writeLine, type CliIO } from './io.js';

export interface AuditCommandOptions {
  runbook: string;
  users: string;
  format: 'text' | 'json' | 'md';
  shard?: string;
  concurrency: number;
  report: string;
  signKey?: string;
  color: boolean;
}

/** How often, at most, a progress line is printed when there is no terminal. */
const PLAIN_PROGRESS_MS = 5000;

export async function auditCommand(options: AuditCommandOptions, io: CliIO): Promise<number> {
  const registry = await io.registry();
  const runbook = await loadRunbook(options.runbook, registry);
  const source = options.users === '-' ? 'stdin' : options.users;
  const input = await readUsers(options.users, io);
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const users = parseUsers(input, source).filter((u) => !shard || inShard(u.user, shard));
  const signer = await loadSigner({
    ...(options.signKey !== undefined ? { signKey: options.signKey } : {}),
    env: io.env,
    onDefaultKeyCreated: (pub) => writeLine(io.stderr, `note: created a signing key for reports; give its public key to \`revoke verify --key\`: ${pub}`),
  });

  const reportDir = resolve(options.report);
  const runId = newRunId('audit');
  const journal = new JournalWriter(join(reportDir, `${runId}.journal.jsonl`), GENESIS);
  let seq = 0;
  const record = (type: string, body: Record<string, unknown>) => journal.append({ ...body, type, seq: ++seq, ts: new Date().toISOString() });
  const startedAt = new Date().toISOString();
  const shardText = shard ? `${shard.index}/${shard.count}` : undefined;
  record('audit-started', {
    runId,
    runbook: { name: runbook.name, file: runbook.file, sha256: runbook.sha256 },
    input: { source, sha256: sha256Hex(input), users: users.length },
    ...(shardText ? { shard: shardText } : {}),
  });

  const stop = new StopController(10_000);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.request(signal)) writeLine(io.stderr, `${signal}: stopping the audit after in-flight calls`);
    else stop.abortNow();
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  const progress = await startProgress(io, users.length);
  let withAccess = 0;
  let outcome;
  try {
    outcome = await runAudit(runbook, registry, users, {
      concurrency: options.concurrency,
      env: io.env,
      signal: stop.signal,
      isStopped: () => stop.requested,
      onUser: (result: AuditUserResult, done) => {
        if (result.hasAccess) withAccess++;
        if (result.hasAccess || result.failed) {
          record('user-audited', { user: result.user, line: result.line, steps: result.steps.map((s) => ({ step: s.step, provider: s.provider, identity: s.identity, findings: s.findings.map((f) => ({ kind: f.kind, id: f.id, label: f.label })), ...(s.error ? { error: s.error } : {}) })) });
        }
        progress.update(done, withAccess);
      },
    });
  } catch (error) {
    record('audit-finished', { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    journal.close();
    await progress.done();
    throw error;
  } finally {
    stop.dispose();
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
  }
  await progress.done();

  const summary = summarize(outcome, shardText);
  const exitCode = stop.requested ? ExitCode.Interrupted : outcome.failedProviders.length > 0 ? ExitCode.ActionFailed : summary.withAccess > 0 ? ExitCode.AccessFound : ExitCode.Success;
  record('audit-finished', { status: stop.requested ? 'interrupted' : 'completed', summary, exitCode });
  journal.close();

  const body = auditJson(outcome, summary, { name: runbook.name, file: runbook.file, sha256: runbook.sha256 });
  const reportPath = await writeJournaledReport({
    dir: reportDir,
    id: runId,
    journalPath: journal.path,
    predicateType: AUDIT_PREDICATE_TYPE,
    predicate: { input: { source, sha256: sha256Hex(input) }, startedAt, finishedAt: new Date().toISOString(), complete: !stop.requested, exitCode, ...body },
    signer,
  });

  if (options.format === 'json') writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, runId, ...body, exitCode, report: reportPath }, null, 2));
  else if (options.format === 'md') io.stdout.write(auditMarkdown(outcome, summary, runbook));
  else writeLine(io.stdout, auditText(outcome, summary));
  if (io.env.GITHUB_STEP_SUMMARY) appendFileSync(io.env.GITHUB_STEP_SUMMARY, auditMarkdown(outcome, summary, runbook));
  writeLine(io.stderr, `Audit report (signed, key ${signer.keyid.slice(0, 16)}…): ${reportPath}`);
  return exitCode;
}

async function readUsers(path: string, io: CliIO): Promise<string> {
  if (path === '-' && io.stdin.isTTY) throw new InvalidInputError('--users - reads the list from stdin, but stdin is a terminal', 'pipe the list in: revoke audit -r rb.yaml --users - < departed.txt');
  return readUsersInput(path, io.stdin);
}

/** A live counter on a terminal (listr2), periodic plain lines otherwise. */
async function startProgress(io: CliIO, total: number): Promise<{ update(done: number, withAccess: number): void; done(): Promise<void> }> {
  const text = (done: number, withAccess: number) => `audited ${done}/${total} users, ${withAccess} with access`;
  // listr2 draws on stdout: only when it is a terminal (the audit's own output comes after).
  if (io.stdout.isTTY && io.stderr.isTTY && io.env.TERM !== 'dumb') {
    const { Listr, ProcessOutput } = await import('listr2');
    let update: (title: string) => void = () => {};
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const list = new Listr(
      [
        {
          title: text(0, 0),
          task: async (_ctx, task) => {
            update = (title) => (task.title = title);
            await finished;
          },
        },
      ],
      { registerSignalListeners: false, processOutput: new ProcessOutput(io.stderr as NodeJS.WriteStream, io.stderr as NodeJS.WriteStream) } as never,
    );
    const running = list.run().catch(() => undefined);
    return {
      update: (done, withAccess) => update(text(done, withAccess)),
      done: async () => {
        finish();
        await running;
      },
    };
  }
  let last = 0;
  return {
    update: (done, withAccess) => {
      const now = Date.now();
      if (done === total || now - last >= PLAIN_PROGRESS_MS) {
        last = now;
        writeLine(io.stderr, `${new Date(now).toISOString()} ${text(done, withAccess)}`);
      }
    },
    done: async () => {},
  };
}
