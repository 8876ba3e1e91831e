import type { ChalkInstance } from 'chalk';
import type { RunRecord, StepRecord } from '../engine/record.js';

/**
 * Whether discovery of `step` never finished because the run was interrupted first: such a step
 * found nothing only because it was never looked at, and must not read as "nothing to revoke".
 */
export function notDiscovered(record: RunRecord, step: StepRecord): boolean {
  return record.status === 'interrupted' && step.discoveryMs === undefined && step.status !== 'discovery-failed';
}

/** The plan: what a real run would revoke, grouped by step, in the order it would happen. */
export function renderPlan(record: RunRecord, style: ChalkInstance): string {
  const lines: string[] = [];
  const verb = record.dryRun ? 'would revoke' : 'will revoke';
  lines.push(style.bold(`Plan for ${record.user} (runbook ${record.runbook.name}${record.dryRun ? ', dry run' : ''}):`));
  for (const step of record.steps) {
    const header = `${step.id} [${step.provider}: ${step.user}${step.mode ? `, mode ${step.mode}` : ''}]`;
    if (step.status === 'discovery-failed') {
      lines.push(`  ${style.red('✗')} ${header}: discovery failed: ${step.error ?? 'unknown error'}`);
      continue;
    }
    if (notDiscovered(record, step)) {
      lines.push(`  ${style.yellow('?')} ${header}: not discovered (interrupted)${step.findings.length > 0 ? `; ${count(step.findings.length, 'item')} found before that:` : ''}`);
      for (const finding of step.findings) lines.push(`      - ${finding.label}`);
      continue;
    }
    const skipped = step.skippedKinds.map((s) => `      ${style.yellow('-')} ${s.kind} skipped: ${s.reason}`);
    if (step.findings.length === 0) {
      lines.push(`  ${style.green('✓')} ${header}: nothing to revoke`, ...skipped);
      continue;
    }
    const after = step.dependsOn.length > 0 ? style.dim(` (after ${step.dependsOn.join(', ')})`) : '';
    lines.push(`  ${style.yellow('•')} ${header}${after}: ${verb} ${count(step.findings.length, 'item')}`);
    for (const finding of step.findings) {
      lines.push(`      - ${finding.label}${finding.containment ? style.dim(' [contain first]') : ''}${finding.outcome === 'skipped' ? style.yellow(` (${finding.detail ?? 'skipped'})`) : ''}`);
    }
    lines.push(...skipped);
  }
  const total = record.steps.reduce((n, s) => n + s.findings.length, 0);
  if (record.warnings.length > 0) {
    lines.push(style.yellow('Warnings:'));
    for (const warning of record.warnings) lines.push(`  ! ${warning}`);
  }
  const undiscovered = record.steps.filter((s) => notDiscovered(record, s)).length;
  if (undiscovered > 0) {
    lines.push(style.yellow(`The plan is incomplete: interrupted before ${undiscovered} of ${count(record.steps.length, 'step')} ${undiscovered === 1 ? 'was' : 'were'} discovered; ${count(total, 'item')} found so far.`));
    if (!record.dryRun && record.totals.revoked === 0) lines.push('Nothing was revoked.');
  } else {
    lines.push(total === 0 ? 'Nothing to revoke.' : `${count(total, 'item')} to revoke in ${count(record.steps.filter((s) => s.findings.length > 0).length, 'step')}.`);
  }
  if (record.steps.some((s) => s.findings.some((f) => f.containment))) {
    lines.push(style.dim('[contain first]: reversible containment sent before anything else (with --yes, right after connecting, while the rest is discovered).'));
  }
  return lines.join('\n');
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
