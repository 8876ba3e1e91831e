import { readFile, stat } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';

/** The most --from may hold: 50 MiB, far beyond any scanner report of one incident. */
const MAX_INPUT_BYTES = 50 * 1024 * 1024;
const tooBig = (source: string) => new InvalidInputError(`${source} holds more than ${MAX_INPUT_BYTES} bytes (50 MiB)`, 'split the scanner report and run revoke secret once per part');

/** Reads --from: a file, or stdin for "-", refusing more than 50 MiB without holding it all. */
export async function readSecretsInput(path: string, stdin: AsyncIterable<unknown>): Promise<string> {
  if (path !== '-') {
    try {
      if ((await stat(path)).size > MAX_INPUT_BYTES) throw tooBig(path);
      return await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
      throw new InvalidInputError(`cannot read --from ${path}`, 'pass a file of secrets, a gitleaks report or trufflehog JSON lines, or - for stdin');
    }
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk as Buffer));
    size += chunks[chunks.length - 1]!.length;
    if (size > MAX_INPUT_BYTES) throw tooBig('stdin');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Where a leaked secret was found, as the scanner said (never the secret itself). */
export interface LeakContext {
  format: 'plain' | 'gitleaks' | 'trufflehog';
  file?: string;
  commit?: string;
  line?: number;
  rule?: string;
}

/** One secret from the input, with the input line it came from (1-based). */
export interface LeakedSecret {
  value: string;
  line: number;
  context: LeakContext;
}

/**
 * Reads `--from` input in the format it is in: a gitleaks JSON report (an array of findings), a
 * trufflehog JSON-lines stream (one finding object per line), or plain text with one secret per
 * line (blank lines and `#` comments skipped). Bad JSON is bad input, with its line number.
 */
export function parseSecretsInput(text: string, source: string): LeakedSecret[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return parseGitleaks(text, source);
  if (trimmed.startsWith('{')) return parseTrufflehog(text, source);
  return parsePlain(text);
}

function parsePlain(text: string): LeakedSecret[] {
  const secrets: LeakedSecret[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const value = raw.trim();
    if (value === '' || value.startsWith('#')) return;
    secrets.push({ value, line: index + 1, context: { format: 'plain' } });
  });
  return secrets;
}

interface GitleaksFinding {
  Secret?: unknown;
  File?: unknown;
  Commit?: unknown;
  StartLine?: unknown;
  RuleID?: unknown;
}

function parseGitleaks(text: string, source: string): LeakedSecret[] {
  let findings: unknown;
  try {
    findings = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${source}: not a valid gitleaks JSON report: ${jsonProblem(error, text)}`, 'pass the file written by `gitleaks detect --report-format json --report-path <file>`, unmodified');
  }
  if (!Array.isArray(findings)) throw new InvalidInputError(`${source}: a gitleaks report is a JSON array of findings`, 'pass the file written by `gitleaks detect --report-format json`');
  // Each finding's line in the input, for messages: gitleaks writes one object per indented block.
  const starts = objectStartLines(text);
  return findings.map((finding: GitleaksFinding, index) => {
    const line = starts[index] ?? 1;
    if (typeof finding !== 'object' || finding === null || typeof finding.Secret !== 'string' || finding.Secret === '') {
      throw new InvalidInputError(`${source}:${line}: gitleaks finding ${index + 1} has no "Secret" string`, 'run gitleaks without --redact: revoke needs the secret to revoke it (it never prints it)');
    }
    return {
      value: finding.Secret.trim(),
      line,
      context: {
        format: 'gitleaks',
        ...(typeof finding.File === 'string' ? { file: finding.File } : {}),
        ...(typeof finding.Commit === 'string' && finding.Commit ? { commit: finding.Commit } : {}),
        ...(typeof finding.StartLine === 'number' ? { line: finding.StartLine } : {}),
        ...(typeof finding.RuleID === 'string' ? { rule: finding.RuleID } : {}),
      },
    };
  });
}

interface TrufflehogFinding {
  Raw?: unknown;
  RawV2?: unknown;
  DetectorName?: unknown;
  SourceMetadata?: { Data?: Record<string, { file?: unknown; commit?: unknown; line?: unknown; path?: unknown }> };
}

function parseTrufflehog(text: string, source: string): LeakedSecret[] {
  const secrets: LeakedSecret[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let finding: TrufflehogFinding;
    try {
      finding = JSON.parse(raw) as TrufflehogFinding;
    } catch (error) {
      throw new InvalidInputError(`${source}:${line}: not a trufflehog JSON line: ${jsonProblem(error)}`, 'pass the output of `trufflehog ... --json` (one JSON object per line), unmodified');
    }
    if (typeof finding !== 'object' || finding === null || typeof finding.Raw !== 'string' || finding.Raw === '') {
      throw new InvalidInputError(`${source}:${line}: trufflehog finding has no "Raw" string`, 'pass the output of `trufflehog ... --json` (one JSON object per line), unmodified');
    }
    const where = Object.values(finding.SourceMetadata?.Data ?? {})[0] ?? {};
    secrets.push({
      value: secretOf(finding.Raw, finding.RawV2),
      line,
      context: {
        format: 'trufflehog',
        ...(typeof where.file === 'string' ? { file: where.file } : typeof where.path === 'string' ? { file: where.path } : {}),
        ...(typeof where.commit === 'string' ? { commit: where.commit } : {}),
        ...(typeof where.line === 'number' ? { line: where.line } : {}),
        ...(typeof finding.DetectorName === 'string' ? { rule: finding.DetectorName } : {}),
      },
    });
  });
  return secrets;
}

/**
 * trufflehog's `Raw` is the credential's first part; for pairs (an AWS key id and its secret)
 * `RawV2` is both parts run together: the pair then becomes "id secret".
 */
function secretOf(raw: string, rawV2: unknown): string {
  if (typeof rawV2 === 'string' && rawV2.startsWith(raw) && rawV2.length > raw.length) return `${raw} ${rawV2.slice(raw.length).replace(/^[:\s]+/, '')}`;
  return raw.trim();
}

/** The JSON parser's complaint, without echoing the input (which holds secrets). */
function jsonProblem(error: unknown, text?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position && text !== undefined) return `invalid JSON at line ${text.slice(0, Number(position[1])).split('\n').length}`;
  return 'invalid JSON';
}

function objectStartLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (c === '{' && depth === 1) lines.push(line);
      depth++;
    } else if (c === '}' || c === ']') depth--;
  }
  return lines;
}
