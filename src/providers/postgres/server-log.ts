import { readFile } from 'node:fs/promises';
import type { Client } from 'pg';
import type { WatchEvent } from '../types.js';

/** "2026-11-29 04:23:03.123 CET [4711] FATAL:  role "x" is not permitted to log in" (default log_line_prefix "%m [%p] "). */
const FATAL_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (\S+) \[\d+\].*FATAL:\s+(.*)$/;
const NUMERIC_ZONE = /^([+-])(\d\d)(?::?(\d\d))?$/;

/**
 * Failed logins of `role` in a server log with the default log_line_prefix ("%m [%p] "):
 * "role … is not permitted to log in", "password authentication failed for user …", "role … does not exist".
 * Timestamps are in the server's log_timezone: numeric zones (+03, -05:30) and UTC/GMT are read
 * directly; abbreviations (CET, EST, IST…) are ambiguous, so the server converts those stamps
 * with its own log_timezone setting.
 */
export async function failedLogins(client: Client, path: string, role: string, since: Date, until?: Date): Promise<WatchEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the PostgreSQL server log ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const quoted = `"${role.replace(/"/g, '""')}"`;
  const candidates: Array<{ index: number; local: string; zone: string; message: string }> = [];
  text.split('\n').forEach((line, index) => {
    const match = FATAL_LINE.exec(line);
    if (match && match[3]!.includes(quoted)) candidates.push({ index, local: match[1]!, zone: match[2]!, message: match[3]! });
  });
  const named = candidates.filter((c) => !fixedOffset(c.zone));
  const serverTimes = named.length === 0 ? [] : await inLogTimezone(client, named.map((c) => c.local));
  const byIndex = new Map(named.map((c, i) => [c.index, serverTimes[i]]));
  const events: WatchEvent[] = [];
  for (const c of candidates) {
    const offset = fixedOffset(c.zone);
    const time = offset !== undefined ? new Date(`${c.local.replace(' ', 'T')}${offset}`) : byIndex.get(c.index);
    if (!time || Number.isNaN(time.getTime()) || time < since || (until && time > until)) continue;
    events.push({ id: `log-${c.index}`, time: time.toISOString(), what: `failed login: ${c.message}`, outcome: 'denied' });
  }
  return events;
}

/** "+03" -> "+03:00", "UTC" -> "Z"; undefined for a named abbreviation. */
function fixedOffset(zone: string): string | undefined {
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z') return 'Z';
  const match = NUMERIC_ZONE.exec(zone);
  return match ? `${match[1]}${match[2]}:${match[3] ?? '00'}` : undefined;
}

async function inLogTimezone(client: Client, stamps: string[]): Promise<Date[]> {
  const { rows } = await client.query<{ at: Date }>(
    "SELECT (stamp::timestamp AT TIME ZONE current_setting('log_timezone')) AS at FROM unnest($1::text[]) WITH ORDINALITY AS s(stamp, n) ORDER BY n",
    [stamps],
  );
  return rows.map((r) => new Date(r.at));
}
