import { markdownText } from '../output/markdown.js';
import { fingerprintText } from './fingerprint.js';
import type { SecretEntry } from './run-secret.js';

/** The `urn:revoke:secret:v1` predicate as `report show` reads it. */
export interface SecretPredicate {
  runId?: string;
  dryRun?: boolean;
  input?: { source: string; secrets: number };
  startedAt?: string;
  finishedAt?: string;
  complete?: boolean;
  exitCode?: number;
  status?: string;
  error?: string;
  totals?: Record<string, number>;
  secrets?: SecretEntry[];
}

const VERB: Record<string, string> = { revoked: 'REVOKED', 'already-gone': 'already gone', 'would-revoke': 'would revoke', failed: 'FAILED', refused: 'REFUSED', 'not-revoked': 'NOT REVOKED' };

/** One secret as a line: where it was found, what it is (fingerprint only), whose, and what happened. */
export function secretLine(entry: SecretEntry): string {
  const where = [entry.context.file, entry.context.line !== undefined ? `line ${entry.context.line}` : undefined, entry.context.commit ? `commit ${entry.context.commit.slice(0, 12)}` : undefined].filter(Boolean).join(', ');
  return `input line ${entry.line}${where ? ` (${where})` : ''}: ${entry.what} [${fingerprintText(entry.fingerprint)}]${entry.owner ? `, owner ${entry.owner}` : ''}: ${VERB[entry.status] ?? entry.status}: ${entry.detail}`;
}

/** What a run or dry run did, as text: one line per secret, warnings under it, then the totals. */
export function secretText(entries: SecretEntry[], totals: Record<string, number>, dryRun: boolean): string {
  const lines = entries.flatMap((entry) => [secretLine(entry), ...entry.warnings.map((w) => `    warning: ${w}`)]);
  return [...lines, totalsLine(totals, dryRun)].join('\n');
}

function totalsLine(totals: Record<string, number>, dryRun: boolean): string {
  const parts = Object.entries(totals)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${VERB[status] ?? status}`);
  return `${dryRun ? 'Dry run, nothing changed: ' : ''}${parts.join(', ') || 'no secrets'}`;
}

export function renderSecretPredicate(p: SecretPredicate, format: 'text' | 'md'): string {
  const head = p.error
    ? `secret run ${p.runId ?? '?'} failed: ${p.error}`
    : `secret run ${p.runId ?? '?'} (${p.dryRun ? 'dry run' : 'real run'}) on ${p.input?.secrets ?? '?'} secret(s) from ${p.input?.source ?? '?'}, ${p.startedAt ?? '?'} to ${p.finishedAt ?? '?'}, ${p.complete ? 'complete' : 'incomplete'}, exit ${p.exitCode ?? '?'}`;
  const lines = (p.secrets ?? []).map(secretLine);
  const totals = p.totals ? totalsLine(p.totals, false) : '';
  if (format === 'md') return [`## revoke secret report`, '', markdownText(head), '', ...lines.map((l) => `- ${markdownText(l)}`), '', markdownText(totals)].join('\n');
  return [head, ...lines.map((l) => `  ${l}`), `  ${totals}`].join('\n');
}
