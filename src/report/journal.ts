import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
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
 * The run's journal: every event appended as one JSON line as it happens, with one write and
 * one fsync per record, so a crash loses at most the record being written. Each record carries
 * `prev`, the sha256 of the previous line's exact bytes (64 zeros for the first): removing,
 * reordering or editing a record breaks the chain.
 */
export class JournalWriter {
  private readonly fd: number;
  private prev: string;
  private closed = false;

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
    fsyncSync(this.fd);
    this.prev = sha256Hex(line);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
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
