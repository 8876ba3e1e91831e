import type { ChalkInstance } from 'chalk';
import type { FindingRecord, RunRecord, StepRecord } from '../engine/record.js';
import { count, notDiscovered } from './plan-text.js';

/**
 * The end-of-run summary: each step's outcome, each finding that was not revoked (failed,
 * skipped, not run) with why, and totals. Every finding's outcome is in --json output.
 */
export function renderSummary(record: RunRecord, style: ChalkInstance): string {
  const lines: string[] = [style.bold(`Result for ${record.user}: ${statusWord(record, style)}`)];
  for (const step of record.steps) {
    if (notDiscovered(record, step)) {
      lines.push(`  ${style.yellow('?')} ${step.id}: not discovered (interrupted)`);
      continue;
    }
    lines.push(`  ${stepMark(step, style)} ${step.id}: ${stepText(step)}`);
    for (const finding of step.findings) {
      if (finding.outcome === 'revoked' || finding.outcome === 'already-gone') continue;
      const outcome = finding.outcome === 'planned' ? 'not revoked (the run stopped first)' : finding.outcome;
      lines.push(`      ${findingMark(finding, style)} ${finding.label}: ${finding.error ?? finding.detail ?? outcome}`);
    }
  }
  const t = record.totals;
  lines.push(
    `Totals: ${t.revoked} revoked, ${t.alreadyGone} already gone, ${t.skipped} skipped, ${t.failed} failed, ${t.notRun} not run` +
      (t.stepsSkipped > 0 ? `; ${count(t.stepsSkipped, 'step')} skipped` : ''),
  );
  return lines.join('\n');
}

function statusWord(record: RunRecord, style: ChalkInstance): string {
  switch (record.status) {
    case 'completed':
      return style.green('done');
    case 'failed':
      return style.red('some actions failed');
    case 'interrupted':
      return style.yellow(record.totals.revoked === 0 ? 'interrupted, nothing was revoked' : 'interrupted');
    case 'cancelled':
      return style.yellow('cancelled, nothing was revoked');
    default:
      return record.status;
  }
}

function stepMark(step: StepRecord, style: ChalkInstance): string {
  if (step.status === 'succeeded') return style.green('✓');
  if (step.status === 'failed' || step.status === 'discovery-failed') return style.red('✗');
  return style.yellow('-');
}

function stepText(step: StepRecord): string {
  switch (step.status) {
    case 'succeeded': {
      if (step.findings.length === 0) return 'nothing to revoke';
      const gone = step.findings.filter((f) => f.outcome === 'already-gone').length;
      const revoked = step.findings.filter((f) => f.outcome === 'revoked').length;
      return `${revoked} revoked${gone > 0 ? `, ${gone} already gone` : ''}`;
    }
    case 'failed':
      return step.reason ?? 'failed';
    case 'discovery-failed':
      return `discovery failed: ${step.error ?? ''}`;
    case 'skipped':
      return `skipped: ${step.reason ?? ''}`;
    case 'interrupted':
      return `interrupted${step.reason ? `: ${step.reason}` : ''}`;
    case 'planned':
      return `discovered ${count(step.findings.length, 'item')}, none revoked (the run stopped first)`;
    default:
      return step.status;
  }
}

function findingMark(finding: FindingRecord, style: ChalkInstance): string {
  if (finding.outcome === 'failed') return style.red('✗');
  return style.yellow('-');
}
