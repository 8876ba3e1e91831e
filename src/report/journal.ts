import { createHash } from 'node:crypto';
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from '../engine/events.js';

export const GENESIS = '0'.repeat(64);

/** Anything journaled: run events, audit events; each numbered and timestamped. */
export type JournalEntry = { seq: number; ts: string; type: string };
export type JournalRecord = RunEvent & { prev: string };

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The run's journal: every event appended as one JSON line as it happens. Each record carries
 * `prev`, the sha256 of the previous line's exact bytes (64 zeros for the first): removing,
 * reordering or editing a record breaks the chain.
 *
 * Durability: each line is written (`write`) before the run goes on, so a crash of the process
 * loses at most the line being written. Flushing to the disk (`fsync`) happens off the event
 * loop, one flush covering every line written before it started (group commit): an fsync per
 * record blocked every provider's network callbacks for its duration (0.2 ms on an idle SSD,
 * 4 ms and more on a busy disk, times 200+ records a run). What must be on the disk before the
 * world changes awaits `durable()`: the engine does before each mutating request, so a power
 * loss can lose the last milliseconds of records, never the intent of a request already sent.
 */
export class JournalWriter {
  private readonly fd: number;
  private prev: string;
  private closed = false;
  /** Lines written so far, and how many of them a completed fsync covers. */
  private written = 0;
  private flushed = 0;
  private flushing = false;
  private failure: Error | undefined;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(
    readonly path: string,
    /** Continue an existing chain (used when appending to a journal); otherwise start a new one. */
    prev = GENESIS,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
    this.prev = prev;
  }

  readonly listener = (event: RunEvent): void => this.append(event);

  append(event: JournalEntry): void {
    if (this.closed) return;
    const line = `${JSON.stringify({ ...event, prev: this.prev })}\n`;
    writeSync(this.fd, line);
    this.prev = sha256Hex(line);
    this.written += 1;
    // After the current synchronous work: the lines it appends share one flush.
    if (this.written === this.flushed + 1 && !this.flushing) queueMicrotask(() => this.flush());
  }

  /** Resolves once every line appended so far is on the disk; rejects if flushing failed. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.flushed >= this.written || this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo: this.written, resolve, reject });
      if (!this.flushing) this.flush();
    });
  }

  private flush(): void {
    if (this.flushing || this.closed || this.flushed >= this.written) return;
    this.flushing = true;
    const upTo = this.written;
    fsync(this.fd, (error) => {
      this.flushing = false;
      if (this.closed) return closeSync(this.fd); // close() waited for this flush to end
      if (error) {
        this.failure = new Error(`cannot flush the journal ${this.path} to disk: ${error.code ?? error.message}`);
        for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
        return;
      }
      this.flushed = upTo;
      this.waiters = this.waiters.filter((waiter) => (waiter.upTo <= upTo ? (waiter.resolve(), false) : true));
      if (this.written > this.flushed) this.flush();
    });
  }

  /** Flushes what is left (synchronously) and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.written > this.flushed) fsyncSync(this.fd);
    this.flushed = this.written;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    // A flush still in flight owns the descriptor until it ends (closing it under it could flush another file).
    if (!this.flushing) closeSync(this.fd);
  }
}

export interface JournalReading {
  records: JournalRecord[];
  /** A last line without its newline or not JSON: what a crash mid-write leaves. Ignored. */
  tornTail: boolean;
  /** The first place the chain breaks, if it does. */
  broken?: { line: number; reason: string };
  sha256: string;
}

/** Reads a journal and checks its whole chain. A torn last line is reported, not an error. */
export function readJournal(path: string): JournalReading {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const records: JournalRecord[] = [];
  let prev = GENESIS;
  let broken: JournalReading['broken'];
  lines.forEach((line, index) => {
    if (broken) return;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      broken = { line: index + 1, reason: 'not valid JSON' };
      return;
    }
    if (record.prev !== prev) {
      broken = { line: index + 1, reason: `prev is ${String(record.prev).slice(0, 16)}…, but the previous line hashes to ${prev.slice(0, 16)}…` };
      return;
    }
    if (record.seq !== index + 1) {
      broken = { line: index + 1, reason: `seq is ${record.seq}, expected ${index + 1}` };
      return;
    }
    records.push(record);
    prev = sha256Hex(`${line}\n`);
  });
  const reading: JournalReading = { records, tornTail: last.length > 0, sha256: sha256Hex(bytes) };
  if (broken) reading.broken = broken;
  return reading;
}
