import { basename, join, resolve } from 'node:path';
import { newRunId } from '../engine/run.js';
import { StopController } from '../engine/stop.js';
import { errorMessage, InvalidInputError, RevokeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { JournalWriter, readJournal } from '../report/journal.js';
import { loadSigner, type Signer } from '../report/signer.js';
import type { JournalSubject } from '../report/statement.js';
import { signPayload, writeEnvelope } from '../report/write-report.js';

/** How long in-flight provider calls may take to finish after Ctrl-C before they are aborted. */
const STOP_GRACE_MS = 10_000;

/** The part of the outside world the pipeline touches (the CLI's io satisfies it). */
export interface RecordedIO {
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** What a recorded command's body works with. */
export interface RecordedSession {
  runId: string;
  /** The hash-chained journal; a run subscribes its event stream to `journal.listener`. */
  journal: JournalWriter;
  /** Appends one numbered, timestamped entry (for commands without an engine event stream). */
  record(type: string, body: Record<string, unknown>): void;
  /** Ctrl-C / SIGTERM: the first asks to stop, a second aborts in-flight calls. */
  stop: StopController;
}

/** How the body ended: with a result, or with an error (bad input found late, a crash). */
export type Ending<Result> = { status: 'completed'; result: Result } | { status: 'failed'; error: unknown };

export interface RecordedCommand<Result> {
  io: RecordedIO;
  /** Names the run id (and so the journal and report files): the user, "audit", "watch". */
  subject: string;
  /** Where the journal and the signed report go (--report). */
  reportDir: string;
  signer: Signer;
  /** What to say on a stop request; by default a line on stderr. */
  onStopRequested?(signal: NodeJS.Signals): void;
  body(session: RecordedSession): Promise<Result>;
  /**
   * The in-toto statement to sign, with the predicate type of this command; `journal` is the
   * journal's subject entry. Undefined when nothing worth a report happened (nothing started).
   */
  statement(ending: Ending<Result>, journal: JournalSubject, runId: string): object | undefined | Promise<object | undefined>;
}

export interface SignedReport {
  path: string;
  journal: string;
  keyid: string;
}

/**
 * The one pipeline of every command that changes or inspects the world: the signer is already
 * resolved (a bad key is bad input, before anything runs); open the hash-chained journal; run the
 * body with stop handling; then, on success, failure or interrupt, sign the statement the command
 * builds and write `<dir>/<run-id>.intoto.json`. A failed body's error is rethrown after its report
 * is written and named on stderr.
 */
export async function runRecordedCommand<Result>(command: RecordedCommand<Result>): Promise<{ result: Result; report: SignedReport | undefined }> {
  const { io } = command;
  const reportDir = resolve(command.reportDir);
  const runId = newRunId(command.subject);
  const journal = openJournal(join(reportDir, `${runId}.journal.jsonl`));
  let seq = 0;
  const session: RecordedSession = {
    runId,
    journal,
    record: (type, body) => journal.append({ ...body, type, seq: ++seq, ts: new Date().toISOString() }),
    stop: new StopController(STOP_GRACE_MS),
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (session.stop.request(signal)) {
      if (command.onStopRequested) command.onStopRequested(signal);
      else writeLineTo(io.stderr, `${signal}: stopping after in-flight calls (press Ctrl-C again to abort them)`);
    } else {
      writeLineTo(io.stderr, `${signal} again: aborting in-flight calls`);
      session.stop.abortNow();
    }
  };
  // Named here, not taken from the listener's argument: an emitter need not pass the signal.
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  io.signals.on('SIGINT', onSigint);
  io.signals.on('SIGTERM', onSigterm);

  let ending: Ending<Result>;
  try {
    ending = { status: 'completed', result: await command.body(session) };
  } catch (error) {
    ending = { status: 'failed', error };
  } finally {
    journal.close();
    session.stop.dispose();
    io.signals.off('SIGINT', onSigint);
    io.signals.off('SIGTERM', onSigterm);
  }

  let report: SignedReport | undefined;
  let failure = ending.status === 'failed' ? ending.error : undefined;
  try {
    const statement = await command.statement(ending, { name: basename(journal.path), digest: { sha256: readJournal(journal.path).sha256 } }, runId);
    if (statement) {
      const path = join(reportDir, `${runId}.intoto.json`);
      writeEnvelope(path, await signPayload(statement, command.signer));
      report = { path, journal: journal.path, keyid: command.signer.keyid };
    }
  } catch (error) {
    writeLineTo(io.stderr, `error: could not sign the report (${errorMessage(error)}); the journal is complete at ${journal.path}`);
    failure ??= new RevokeError(`report not written: ${errorMessage(error)}`, ExitCode.ActionFailed);
  }
  if (failure !== undefined) {
    if (report) writeLineTo(io.stderr, `Report (signed): ${report.path}`);
    throw failure;
  }
  return { result: (ending as { result: Result }).result, report };
}

/** Resolves the signing key before anything runs: a bad key is bad input, not a half-recorded run. */
export async function resolveSigner(signKey: string | undefined, io: RecordedIO): Promise<Signer> {
  return loadSigner({
    ...(signKey !== undefined ? { signKey } : {}),
    env: io.env,
    onDefaultKeyCreated: (pub) => writeLineTo(io.stderr, `note: created a signing key for reports; give its public key to \`revoke verify --key\`: ${pub}`),
  });
}

/** "Report (signed, key 3f9a…): reports/<run>.intoto.json", the line every recorded command ends with. */
export function reportLine(label: string, report: SignedReport): string {
  return `${label} (signed, key ${report.keyid.slice(0, 16)}…): ${report.path}`;
}

function openJournal(path: string): JournalWriter {
  try {
    return new JournalWriter(path);
  } catch (error) {
    throw new InvalidInputError(`cannot write the journal ${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`, 'pass --report <dir> with a directory you can write to');
  }
}

function writeLineTo(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
