import { markdownText } from '../output/markdown.js';
import type { FoundEvent } from './poll.js';
import type { WatchResult } from './run-watch.js';

/** One event as a line: "2026-11-28T10:00:00.000Z aws jdoe: iam ListUsers … [denied]". */
export const eventLine = (e: FoundEvent) => `${e.time} ${e.provider} ${e.identity}: ${e.what} [${e.outcome}]${e.afterRestore ? ` (after restore ${e.afterRestore}: not counted)` : ''}`;

export function watchText(user: string, since: Date, result: WatchResult): string {
  const { events, notChecked } = result;
  const n = events.filter((e) => !e.afterRestore).length;
  const head = n
    ? `${n} use${n === 1 ? '' : 's'} or attempt${n === 1 ? '' : 's'} by ${user} since ${since.toISOString()}:`
    : result.complete
      ? `Quiet: no use or attempted use by ${user} since ${since.toISOString()}.`
      : `Incomplete: no use or attempted use by ${user} seen since ${since.toISOString()}, but not everything could be checked:`;
  return [head, ...events.map((e) => `  ${eventLine(e)}`), ...notChecked.map((s) => `  ${s.provider}: not checked: ${s.reason}`)].join('\n');
}

export function watchMarkdown(user: string, result: WatchResult): string {
  const { events, notChecked } = result;
  const rows = events.map((e) => `| ${e.time} | ${markdownText(e.provider)} | ${markdownText(e.identity)} | ${markdownText(e.what)} | ${e.outcome} |`);
  const verdict = events.length ? `— ${events.length} event(s) after the revocation` : result.complete ? '— quiet' : '— incomplete';
  const table = rows.length ? `| time | provider | identity | what | outcome |\n|---|---|---|---|---|\n${rows.join('\n')}\n` : 'No use or attempted use since the revocation.\n';
  return `## revoke watch: ${markdownText(user)} ${verdict}\n\n${table}${notChecked.map((s) => `\n- ${markdownText(s.provider)}: not checked: ${markdownText(s.reason)}`).join('')}\n`;
}
