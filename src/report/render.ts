import type { ReportPredicate } from './statement.js';
import { markdownText } from '../output/markdown.js';

/** A report for people: every step and finding with its outcome, as text or GitHub markdown. */
export function renderReport(predicate: ReportPredicate, format: 'text' | 'md'): string {
  return format === 'md' ? markdown(predicate) : text(predicate);
}

function header(p: ReportPredicate): Array<[string, string]> {
  return [
    ['run', p.runId],
    ['user', p.user],
    ['runbook', `${p.runbook.name} (sha256 ${p.runbook.sha256.slice(0, 16)}…)`],
    ['mode', p.dryRun ? 'dry run' : 'real run'],
    ['status', `${p.status}${p.complete ? '' : ' (incomplete)'}, exit ${p.exitCode ?? '?'}`],
    ['started', p.startedAt],
    ['finished', p.finishedAt ?? '(not finished)'],
    ['ran as', p.actors.map((a) => `${a.provider}: ${a.actor}`).join('; ') || '(no provider connected)'],
    ...(p.resumedFrom ? ([['resumed from', `${p.resumedFrom.runId} (${p.resumedFrom.journal})`]] as Array<[string, string]>) : []),
    [
      'totals',
      `${p.totals.findings} found, ${p.totals.revoked} revoked, ${p.totals.alreadyGone} already gone, ${p.totals.skipped} skipped, ${p.totals.failed} failed, ${p.totals.notRun} not run`,
    ],
  ];
}

function outcomeOf(f: ReportPredicate['steps'][number]['findings'][number]): string {
  const why = f.error ?? f.detail;
  return why ? `${f.outcome}: ${why}` : f.outcome;
}

function text(p: ReportPredicate): string {
  const lines = header(p).map(([k, v]) => `${k.padEnd(13)} ${v}`);
  for (const step of p.steps) {
    lines.push('', `step ${step.id} [${step.provider}: ${step.user}${step.mode ? `, ${step.mode}` : ''}] ${step.status}${step.reason ? `: ${step.reason}` : ''}${step.error ? `: ${step.error}` : ''}`);
    for (const f of step.findings) lines.push(`  - ${f.label} [${f.kind} ${f.id}] ${outcomeOf(f)}${f.durationMs !== undefined ? ` (${f.durationMs} ms)` : ''}`);
    for (const s of step.skippedKinds ?? []) lines.push(`  - ${s.kind} skipped: ${s.reason}`);
    if (step.findings.length === 0) lines.push('  (nothing found)');
  }
  return lines.join('\n');
}


function markdown(p: ReportPredicate): string {
  const lines = [`## revoke report: ${markdownText(p.user)} (${p.dryRun ? 'dry run' : p.status})`, '', '| | |', '|---|---|', ...header(p).map(([k, v]) => `| ${k} | ${markdownText(v)} |`)];
  for (const step of p.steps) {
    lines.push('', `### ${markdownText(step.id)}: ${step.status}`, '', `${markdownText(step.provider)} (${step.providerType}), user ${markdownText(step.user)}${step.mode ? `, mode ${step.mode}` : ''}${step.reason ? `. ${markdownText(step.reason)}` : ''}${step.error ? `. ${markdownText(step.error)}` : ''}`);
    if (step.findings.length === 0) {
      lines.push('', 'Nothing found.');
      continue;
    }
    lines.push('', '| kind | what | outcome |', '|---|---|---|', ...step.findings.map((f) => `| ${f.kind} | ${markdownText(f.label)} | ${markdownText(outcomeOf(f))} |`));
  }
  return lines.join('\n');
}
