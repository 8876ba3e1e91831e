import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The report and journal files a run left in `dir`, newest last. */
export function reportFiles(dir: string): { reports: string[]; journals: string[] } {
  const names = readdirSync(dir).sort();
  return {
    reports: names.filter((n) => n.endsWith('.intoto.json')).map((n) => join(dir, n)),
    journals: names.filter((n) => n.endsWith('.journal.jsonl')).map((n) => join(dir, n)),
  };
}

export function decodeStatement(envelopeText: string) {
  const envelope = JSON.parse(envelopeText) as { payload: string };
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
}
