import { InvalidArgumentError, Option } from 'commander';

/** For repeatable options: `--set a=1 --set b=2`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** "90s", "30m", "24h", "7d" (or plain milliseconds) to milliseconds. */
export function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration like 30m, 24h or 7d');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 60_000) throw new InvalidArgumentError('expected milliseconds from 0 to 60000');
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return n;
}

/** `--concurrency <n>`, shared by the commands that run steps or users in parallel. */
export function concurrencyOption(description = 'how many steps, and findings within a step, are worked on at once'): Option {
  return new Option('--concurrency <n>', description).default(16).argParser(positiveInt);
}

/** `--format text|json|md`, for commands that render a result on stdout. */
export function formatOption(): Option {
  return new Option('--format <format>', 'output on stdout').choices(['text', 'json', 'md']).default('text');
}

/** `--since`/`--until`: an ISO 8601 time, or a duration back from now (30m, 1h, 2d); returned as ISO 8601. */
export function pointInTime(value: string, now: () => number = Date.now): string {
  const trimmed = value.trim();
  if (/^\d+(ms|s|m|h|d)$/.test(trimmed)) return new Date(now() - durationMs(trimmed)).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) return new Date(trimmed).toISOString();
  throw new InvalidArgumentError('expected an ISO 8601 time (2026-11-28T09:00:00Z) or a duration back from now (30m, 1h, 2d)');
}

/** The shortest --interval: polling faster only burns API quota (and CloudTrail lags minutes anyway). */
export const MIN_INTERVAL_MS = 1000;

export function intervalMs(value: string): number {
  const ms = durationMs(value);
  if (ms < MIN_INTERVAL_MS) throw new InvalidArgumentError(`expected at least ${MIN_INTERVAL_MS / 1000}s (e.g. 30s, 1m)`);
  return ms;
}
