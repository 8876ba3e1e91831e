import { markdownText } from '../output/markdown.js';
import { renderReport } from './render.js';
import { renderDrill, type DrillPredicate } from './render-drill.js';
import { renderSecretPredicate, type SecretPredicate } from '../secret/render.js';
import { AUDIT_PREDICATE_TYPE, DRILL_PREDICATE_TYPE, PREDICATE_TYPE, SECRET_PREDICATE_TYPE, WATCH_PREDICATE_TYPE, type ReportPredicate } from './statement.js';

/** What `report show` knows about the signature before it renders anything. */
export interface SignatureStatus {
  valid: boolean;
  key: string;
  /** The first failed check, when not valid. */
  problem?: string;
  /** Why the signature was not checked at all (no key to check it with); `valid` is then false. */
  unchecked?: string;
}

interface AuditPredicate {
  runbook?: { name: string };
  input?: { source: string };
  startedAt?: string;
  finishedAt?: string;
  complete?: boolean;
  exitCode?: number;
  status?: string;
  error?: string;
  summary?: { users: number; withAccess: number; failed: number; shard?: string };
  failedProviders?: Array<{ provider: string; error: string }>;
  usersWithAccess?: Array<{ user: string; line: number; findings: Array<{ provider: string; identity: string; label: string }> }>;
  usersWithErrors?: Array<{ user: string; errors: Array<{ provider: string; error: string }> }>;
}

interface WatchPredicate {
  user?: string;
  watched?: { report: string; runId: string };
  since?: string;
  until?: string;
  complete?: boolean;
  exitCode?: number;
  error?: string;
  events?: Array<{ time: string; provider: string; identity: string; what: string; outcome: string }>;
  skipped?: Array<{ provider: string; reason: string }>;
}

/** The line that goes first: whether the signature verifies, so nobody trusts an unverified report by accident. */
export function signatureBanner(signature: SignatureStatus, format: 'text' | 'md'): string {
  if (signature.unchecked) {
    const text = `signature NOT checked: ${signature.unchecked}`;
    return format === 'md' ? `> ⚠️ ${markdownText(text)}\n` : text;
  }
  const text = signature.valid
    ? `signature: verified with ${signature.key}`
    : `WARNING: the signature does NOT verify with ${signature.key}${signature.problem ? ` (${signature.problem})` : ''}: do not trust this report`;
  return format === 'md' ? `> ${signature.valid ? '✅' : '❌'} ${markdownText(text)}\n` : text;
}

/** Renders a run, audit or watch statement's predicate as text or markdown. */
export function renderPredicate(predicateType: string, predicate: unknown, format: 'text' | 'md'): string {
  if (predicateType === PREDICATE_TYPE) return renderReport(predicate as ReportPredicate, format);
  if (predicateType === AUDIT_PREDICATE_TYPE) return renderAudit(predicate as AuditPredicate, format);
  if (predicateType === WATCH_PREDICATE_TYPE) return renderWatch(predicate as WatchPredicate, format);
  if (predicateType === SECRET_PREDICATE_TYPE) return renderSecretPredicate(predicate as SecretPredicate, format);
  if (predicateType === DRILL_PREDICATE_TYPE) return renderDrill(predicate as DrillPredicate, format);
  throw new Error(`no renderer for ${predicateType}`);
}

function renderAudit(p: AuditPredicate, format: 'text' | 'md'): string {
  const s = p.summary;
  const head = s
    ? `audit of ${s.users} user${s.users === 1 ? '' : 's'}${s.shard ? ` (shard ${s.shard})` : ''} with runbook ${p.runbook?.name ?? '?'}: ${s.withAccess} still with access, ${s.failed} not fully checked`
    : `audit with runbook ${p.runbook?.name ?? '?'}: ${p.status ?? 'failed'}${p.error ? `: ${p.error}` : ''}`;
  const facts = [`input ${p.input?.source ?? '?'}`, `${p.startedAt ?? '?'} to ${p.finishedAt ?? '?'}`, `${p.complete ? 'complete' : 'incomplete'}, exit ${p.exitCode ?? '?'}`];
  const rows = (p.usersWithAccess ?? []).flatMap((u) => u.findings.map((f) => [u.user, f.provider, f.identity, f.label]));
  const problems = [...(p.failedProviders ?? []).map((f) => `discovery failed on ${f.provider}: ${f.error}`), ...(p.usersWithErrors ?? []).flatMap((u) => u.errors.map((e) => `${u.user}: ${e.provider}: ${e.error}`))];
  if (format === 'md') {
    return [`## revoke audit report`, '', markdownText(head), '', ...facts.map((f) => `- ${markdownText(f)}`), ...(rows.length ? ['', '| user | provider | identity | access |', '|---|---|---|---|', ...rows.map((r) => `| ${r.map(markdownText).join(' | ')} |`)] : []), ...problems.map((x) => `- ⚠️ ${markdownText(x)}`)].join('\n');
  }
  return [head, ...facts.map((f) => `  ${f}`), ...rows.map(([user, provider, identity, label]) => `  - ${user}: ${provider} ${identity}: ${label}`), ...problems.map((x) => `  ! ${x}`)].join('\n');
}

function renderWatch(p: WatchPredicate, format: 'text' | 'md'): string {
  const events = p.events ?? [];
  const verdict = p.error ? `failed: ${p.error}` : events.length ? `${events.length} use${events.length === 1 ? '' : 's'} or attempt${events.length === 1 ? '' : 's'} after the revocation` : p.complete ? 'quiet' : 'incomplete: not everything could be checked';
  const head = `watch of ${p.user ?? '?'} (run ${p.watched?.runId ?? '?'}, report ${p.watched?.report ?? '?'}) from ${p.since ?? '?'}${p.until ? ` to ${p.until}` : ''}: ${verdict}`;
  const lines = events.map((e) => `${e.time} ${e.provider} ${e.identity}: ${e.what} [${e.outcome}]`);
  const skipped = (p.skipped ?? []).map((s) => `${s.provider}: not checked: ${s.reason}`);
  if (format === 'md') return [`## revoke watch report`, '', markdownText(head), '', ...lines.map((l) => `- ${markdownText(l)}`), ...skipped.map((s) => `- ⚠️ ${markdownText(s)}`)].join('\n');
  return [head, ...lines.map((l) => `  ${l}`), ...skipped.map((s) => `  ! ${s}`)].join('\n');
}
