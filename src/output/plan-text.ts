import type { ChalkInstance } from 'chalk';
import type { RunRecord } from '../engine/record.js';

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
    const skipped = step.skippedKinds.map((s) => `      ${style.yellow('-')} ${s.kind} skipped: ${s.reason}`);
    if (step.findings.length === 0) {
      lines.push(`  ${style.green('✓')} ${header}: nothing to revoke`, ...skipped);
      continue;
    }
    const after = step.dependsOn.length > 0 ? style.dim(` (after ${step.dependsOn.join(', ')})`) : '';
    lines.push(`  ${style.yellow('•')} ${header}${after}: ${verb} ${count(step.findings.length, 'item')}`);
    for (const finding of step.findings) {
      lines.push(`      - ${finding.label}${finding.outcome === 'skipped' ? style.yellow(` (${finding.detail ?? 'skipped'})`) : ''}`);
    }
    lines.push(...skipped);
  }
  const total = record.steps.reduce((n, s) => n + s.findings.length, 0);
  if (record.warnings.length > 0) {
    lines.push(style.yellow('Warnings:'));
    for (const warning of record.warnings) lines.push(`  ! ${warning}`);
  }
  lines.push(total === 0 ? 'Nothing to revoke.' : `${count(total, 'item')} to revoke in ${count(record.steps.filter((s) => s.findings.length > 0).length, 'step')}.`);
  return lines.join('\n');
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
