import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEventStream } from '../../src/engine/events.js';
import { GENESIS, JournalWriter, readJournal, sha256Hex } from '../../src/report/journal.js';

function writeJournal(events = 4): string {
  const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'run.journal.jsonl');
  const journal = new JournalWriter(path);
  const stream = new RunEventStream();
  stream.subscribe(journal.listener);
  for (let i = 0; i < events; i++) stream.emit({ type: 'discovery-started', stepId: `step-${i}` });
  journal.close();
  return path;
}

describe('journal', () => {
  it('writes each record before append returns (a killed process loses nothing written); durable() waits for the flush; close during a flush keeps every line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'run.journal.jsonl');
    const journal = new JournalWriter(path);
    journal.append({ seq: 1, ts: '2026-11-29T00:00:00.000Z', type: 'discovery-started' });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2); // on the file already, before any flush
    const flushed = journal.durable();
    for (let seq = 2; seq <= 50; seq++) journal.append({ seq, ts: '2026-11-29T00:00:00.000Z', type: 'discovery-started' });
    await Promise.all([flushed, journal.durable()]);
    journal.append({ seq: 51, ts: '2026-11-29T00:00:00.000Z', type: 'discovery-started' });
    const last = journal.durable();
    journal.close(); // a flush is in flight: close must neither throw nor lose a line
    await last;
    await expect(journal.durable()).resolves.toBeUndefined();
    const reading = readJournal(path);
    expect(reading.records.map((r) => r.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(reading.broken).toBeUndefined();
  });

  it('chains every record to the exact bytes of the one before', () => {
    const path = writeJournal();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(JSON.parse(lines[0]!).prev).toBe(GENESIS);
    for (let i = 1; i < lines.length; i++) expect(JSON.parse(lines[i]!).prev).toBe(sha256Hex(`${lines[i - 1]}\n`));
    const reading = readJournal(path);
    expect(reading.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(reading.broken).toBeUndefined();
    expect(reading.tornTail).toBe(false);
  });

  it('ignores a torn last line, as a crash mid-write leaves, and keeps the rest valid', () => {
    const path = writeJournal();
    appendFileSync(path, '{"seq":5,"ts":"2026-');
    const reading = readJournal(path);
    expect(reading.tornTail).toBe(true);
    expect(reading.broken).toBeUndefined();
    expect(reading.records).toHaveLength(4);
  });

  it.each([
    ['an edited record', (lines: string[]) => lines.map((l, i) => (i === 1 ? l.replace('step-1', 'step-X') : l))],
    ['a removed record', (lines: string[]) => lines.filter((_, i) => i !== 1)],
    ['swapped records', (lines: string[]) => [lines[0]!, lines[2]!, lines[1]!, lines[3]!]],
  ])('detects %s and says where the chain breaks', (_name, tamper) => {
    const path = writeJournal();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    writeFileSync(path, `${tamper(lines).join('\n')}\n`);
    const reading = readJournal(path);
    expect(reading.broken?.line).toBe(_name === 'an edited record' ? 3 : 2);
  });
});
