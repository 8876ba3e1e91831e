import { markdownText } from '../output/markdown.js';
import type { RestorePredicate } from './predicate.js';
import type { RestoredFinding, RestoredStep } from './run-restore.js';

const MARKS: Record<RestoredFinding['outcome'], string> = {
  planned: '+ restore',
  restored: '✓ restored',
  invited: '✉ invited',
  'already-restored': '= already',
  kept: '· kept',
  conflict: '! conflict',
  'not-restorable': '✗ cannot',
  failed: '✗ failed',
  'not-run': '- not run',
};

/**
 * The restore as text: first what can never be restored (with what to do instead), then each
 * step, in the order restore runs them, with what it will do or did to each finding.
 */
export function restoreText(view: { user: string; report: string; dryRun: boolean; steps: RestoredStep[] }): string {
  const lines: string[] = [`Restore of ${view.user} from ${view.report}${view.dryRun ? ' (dry run: nothing changed)' : ''}`];
  const cannot = view.steps.flatMap((s) => s.findings.filter((f) => f.outcome === 'not-restorable').map((f) => ({ step: s.id, f })));
  if (cannot.length > 0) {
    lines.push('', 'These cannot be restored:');
    for (const { step, f } of cannot) lines.push(`  ${step}: ${f.label}: ${f.detail}${f.instead ? `\n      instead: ${f.instead}` : ''}`);
  }
  for (const step of view.steps) {
    const shown = step.findings.filter((f) => f.outcome !== 'not-restorable');
    if (shown.length === 0) continue;
    lines.push('', `${step.id} (${step.provider}, ${step.user})${step.status === 'skipped' || step.status === 'interrupted' ? `: ${step.status}${step.reason ? `, ${step.reason}` : ''}` : ''}`);
    for (const f of shown) lines.push(`  ${MARKS[f.outcome]}  ${f.label}: ${f.detail}${f.needsAcceptance && (f.outcome === 'planned' || f.outcome === 'invited') ? ' [needs the person to accept]' : ''}`);
  }
  const count = (outcome: RestoredFinding['outcome']) => view.steps.flatMap((s) => s.findings).filter((f) => f.outcome === outcome).length;
  const summary = view.dryRun
    ? `${count('planned')} to restore, ${count('kept')} kept as they were, ${count('conflict')} conflicts, ${count('not-restorable')} not restorable, ${count('failed')} not checked`
    : `${count('restored') + count('already-restored')} restored, ${count('invited')} invited (to accept), ${count('kept')} kept as they were, ${count('conflict')} conflicts, ${count('not-restorable')} not restorable, ${count('failed') + count('not-run')} failed or not run`;
  lines.push('', summary);
  return lines.join('\n');
}

/** `revoke report show` of a restore report. */
export function renderRestorePredicate(predicate: RestorePredicate, format: 'text' | 'md'): string {
  const view = { user: predicate.user, report: `${predicate.restored.report} (sha256 ${predicate.restored.sha256.slice(0, 12)}…)`, dryRun: predicate.dryRun, steps: predicate.steps };
  const head = `status ${predicate.status}, exit ${predicate.exitCode ?? '?'}, ${predicate.startedAt} – ${predicate.finishedAt}${predicate.complete ? '' : ', incomplete'}${predicate.error ? `; error: ${predicate.error}` : ''}`;
  if (format === 'text') return `${restoreText(view)}\n${head}`;
  return `## revoke restore: ${markdownText(predicate.user)}\n\n${markdownText(head)}\n\n\`\`\`\n${restoreText(view)}\n\`\`\`\n`;
}
