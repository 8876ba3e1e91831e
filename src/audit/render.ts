import type { AuditOutcome, AuditUserResult } from './run-audit.js';
import { markdownText } from '../output/markdown.js';

export interface AuditSummary {
  users: number;
  withAccess: number;
  failed: number;
  shard?: string;
}

export function summarize(outcome: AuditOutcome, shard?: string): AuditSummary {
  return {
    users: outcome.results.length,
    withAccess: outcome.results.filter((r) => r.hasAccess).length,
    failed: outcome.results.filter((r) => r.failed).length,
    ...(shard ? { shard } : {}),
  };
}

const findingsOf = (r: AuditUserResult) => r.steps.flatMap((s) => s.findings.map((f) => ({ step: s.step, provider: s.provider, identity: s.identity, kind: f.kind, id: f.id, label: f.label })));

export function auditJson(outcome: AuditOutcome, summary: AuditSummary, runbook: { name: string; file: string; sha256: string }) {
  return {
    runbook,
    summary,
    actors: outcome.actors,
    failedProviders: outcome.failedProviders,
    usersWithAccess: outcome.results.filter((r) => r.hasAccess).map((r) => ({ user: r.user, line: r.line, findings: findingsOf(r) })),
    usersWithErrors: outcome.results.filter((r) => r.failed).map((r) => ({ user: r.user, line: r.line, errors: r.steps.filter((s) => s.error).map((s) => ({ step: s.step, provider: s.provider, error: s.error })) })),
  };
}

export function auditText(outcome: AuditOutcome, summary: AuditSummary): string {
  const lines = [`Audited ${summary.users} user${summary.users === 1 ? '' : 's'}${summary.shard ? ` (shard ${summary.shard})` : ''}: ${summary.withAccess} still ha${summary.withAccess === 1 ? 's' : 've'} access${summary.failed ? `, ${summary.failed} could not be fully checked` : ''}.`];
  for (const r of outcome.results.filter((x) => x.hasAccess)) {
    lines.push(`  ${r.user} (line ${r.line}):`);
    for (const f of findingsOf(r)) lines.push(`    - ${f.provider} ${f.identity}: ${f.label}`);
  }
  for (const p of outcome.failedProviders) lines.push(`  discovery failed on provider ${p.provider}: ${p.error}`);
  return lines.join('\n');
}

export function auditMarkdown(outcome: AuditOutcome, summary: AuditSummary, runbook: { name: string }): string {
  const status = summary.failed > 0 ? '⚠️ incomplete' : summary.withAccess > 0 ? '❌ access remains' : '✅ clean';
  const lines = [
    `## revoke audit: ${status}`,
    '',
    `Runbook **${markdownText(runbook.name)}**; ${summary.users} users audited${summary.shard ? ` (shard ${summary.shard})` : ''}; **${summary.withAccess}** still have access; ${summary.failed} could not be fully checked.`,
  ];
  const withAccess = outcome.results.filter((r) => r.hasAccess);
  if (withAccess.length > 0) {
    lines.push('', '| user | provider | identity | access |', '|---|---|---|---|');
    for (const r of withAccess) for (const f of findingsOf(r)) lines.push(`| ${markdownText(r.user)} | ${markdownText(f.provider)} | ${markdownText(f.identity)} | ${markdownText(f.label)} |`);
  }
  if (outcome.failedProviders.length > 0) {
    lines.push('', '**Discovery failed:**', ...outcome.failedProviders.map((p) => `- ${markdownText(p.provider)}: ${markdownText(p.error)}`));
  }
  return `${lines.join('\n')}\n`;
}
