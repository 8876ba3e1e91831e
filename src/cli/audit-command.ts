import { appendFileSync } from 'node:fs';
import { auditStatement, runRecordedAudit, type AuditInput, type AuditResult } from '../audit/recorded-audit.js';
import { auditMarkdown, auditText } from '../audit/render.js';
import { inShard, parseShard, parseUsers, readUsersInput } from '../audit/users-file.js';
import { InvalidInputError } from '../errors.js';
import { reportLine, resolveSigner, runRecordedCommand } from '../session/recorded-command.js';
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
  const signer = await resolveSigner(options.signKey, io);
  const audit: AuditInput = { runbook, users, source, text: input, shard: shard ? `${shard.index}/${shard.count}` : undefined, startedAt: new Date().toISOString() };

  const { result: outcome, report } = await runRecordedCommand<AuditResult>({
    io,
    subject: 'audit',
    reportDir: options.report,
    signer,
    onStopRequested: (signal) => writeLine(io.stderr, `${signal}: stopping the audit after in-flight calls`),
    body: async (session) => {
      const progress = await startProgress(io, users.length);
      try {
        return await runRecordedAudit(audit, registry, session, { concurrency: options.concurrency, env: io.env, onProgress: (done, withAccess) => progress.update(done, withAccess) });
      } finally {
        await progress.done();
      }
    },
    statement: (ending, journal, runId) => auditStatement(audit, ending, journal, runId),
  });

  const { runId, summary, exitCode, body } = outcome;
  if (options.format === 'json') writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, runId, ...body, exitCode, report: report?.path }, null, 2));
  else if (options.format === 'md') io.stdout.write(auditMarkdown(outcome.outcome, summary, runbook));
  else writeLine(io.stdout, auditText(outcome.outcome, summary));
  if (io.env.GITHUB_STEP_SUMMARY) appendFileSync(io.env.GITHUB_STEP_SUMMARY, auditMarkdown(outcome.outcome, summary, runbook));
  if (report) writeLine(io.stderr, reportLine('Audit report', report));
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
