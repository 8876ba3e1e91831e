import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { InvalidInputError } from '../errors.js';
import { controlCharacter } from '../runbook/resolve.js';

/** The most a --users input may hold (50 MiB: about a million users with a few columns). */
export const MAX_USERS_BYTES = 50 * 1024 * 1024;

const tooBig = (source: string, size: string) =>
  new InvalidInputError(`${source} is ${size}, more than revoke reads as a users list (${MAX_USERS_BYTES} bytes, 50 MiB)`, 'split the list and run one audit per part (or use --shard)');

/** Reads the --users input from a file or a stream (stdin), refusing more than MAX_USERS_BYTES without holding it all. */
export async function readUsersInput(path: string, stdin: AsyncIterable<unknown>): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const bytes = Buffer.from(chunk as Buffer);
      size += bytes.length;
      if (size > MAX_USERS_BYTES) throw tooBig('stdin', `over ${MAX_USERS_BYTES} bytes`);
      chunks.push(bytes);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new InvalidInputError(`cannot read users file ${path}`, 'pass a file with one user per line, or CSV with a header, or - for stdin');
  }
  if (size > MAX_USERS_BYTES) throw tooBig(path, `${size} bytes`);
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new InvalidInputError(`cannot read users file ${path}`, 'pass a file with one user per line, or CSV with a header, or - for stdin');
  }
}

export interface AuditUser {
  /** 1-based line of the input it came from, for messages. */
  line: number;
  user: string;
  /** Runbook variables from the CSV's other columns. */
  vars: Record<string, string>;
}

/**
 * Parses the --users input: one user per line, or CSV with a header whose first column is
 * `user` and whose other columns set runbook variables (fields may be quoted, with commas and
 * newlines inside). Blank lines and # comments are skipped. Every bad line is reported with its number.
 */
export function parseUsers(text: string, source: string): AuditUser[] {
  const lines = text.split(/\r?\n/);
  const firstIndex = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (firstIndex < 0) throw new InvalidInputError(`${source}: no users`, 'list one user per line, or CSV with a header: user,github_login,iam_user');
  const header = lines[firstIndex]!;
  const csv = header.includes(',') || header.trim() === 'user';
  const rows = csv ? csvRows(text, source) : plainRows(lines);
  const problems: string[] = [];
  const users: AuditUser[] = [];
  const columns = csv ? rows.shift()!.cells : ['user'];
  if (csv && columns[0] !== 'user') problems.push(`${source}:${firstIndex + 1}: the CSV header must start with "user" (it is "${columns[0]}")`);
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    if (cells.length !== columns.length) {
      problems.push(`${source}:${line}: ${cells.length} columns, the header has ${columns.length}`);
      continue;
    }
    const user = cells[0]!;
    // eslint-disable-next-line no-control-regex
    if (user === '' || /[\s\u0000-\u001f\u007f]/.test(user) || user.includes('{{')) {
      problems.push(`${source}:${line}: "${JSON.stringify(user).slice(1, -1)}" is not a user name`);
      continue;
    }
    const controlled = cells.map((cell, i) => ({ i, control: controlCharacter(cell) })).find((c) => c.control);
    if (controlled) {
      problems.push(`${source}:${line}: column ${controlled.i + 1} (${columns[controlled.i]}) has ${controlled.control}`);
      continue;
    }
    const duplicate = seen.get(user.toLowerCase());
    if (duplicate !== undefined) {
      problems.push(`${source}:${line}: ${user} is listed twice (first on line ${duplicate})`);
      continue;
    }
    seen.set(user.toLowerCase(), line);
    users.push({ line, user, vars: Object.fromEntries(columns.slice(1).map((column, i) => [column, cells[i + 1]!])) });
  }
  if (problems.length > 0) throw new InvalidInputError(problems.join('\n'), 'fix these lines; nothing was audited');
  return users;
}

interface Row {
  /** 1-based line number (for a CSV record spanning lines, the line it ends on). */
  line: number;
  cells: string[];
}

function plainRows(lines: string[]): Row[] {
  return lines.flatMap((raw, index) => (raw.trim() === '' || raw.trim().startsWith('#') ? [] : [{ line: index + 1, cells: [raw.trim()] }]));
}

/** CSV records by csv-parse: quotes, "" inside quotes, commas and newlines in quoted fields. */
function csvRows(text: string, source: string): Row[] {
  try {
    const records = parseCsv(text, { info: true, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, trim: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new InvalidInputError(`${source}${line ? `:${line}` : ''}: not valid CSV (${(error as Error).message})`, 'quote fields that hold commas or newlines, and close every quote');
  }
}

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new InvalidInputError(`--shard ${value} is not i/n with 1 <= i <= n`, 'e.g. --shard 2/4 for the second of four CI jobs');
  return { index, count };
}

/**
 * Whether a user belongs to a shard: by a hash of the lower-cased name, so every user lands in
 * exactly one shard and stays there when the list is reordered or grows.
 */
export function inShard(user: string, shard: Shard): boolean {
  const hash = createHash('sha256').update(user.toLowerCase()).digest().readUInt32BE(0);
  return hash % shard.count === shard.index - 1;
}
