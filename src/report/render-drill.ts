import { markdownText } from '../output/markdown.js';

/** The parts of a `urn:revoke:drill:v1` predicate the renderer reads (src/drill builds it). */
export interface DrillPredicate {
  canary?: string;
  runbook?: { name: string };
  status?: string;
  error?: string;
  exitCode?: number;
  startedAt?: string;
  revocationStartedAt?: string;
  finishedAt?: string;
  deadlineMs?: number;
  canaries?: Array<{ provider: string; identity: string }>;
  revocation?: { status: string; exitCode: number };
  credentials?: Array<{ provider: string; label: string; slaMs?: number; timeToDenyMs?: number; lastAllowedMs?: number; verdict: string; error?: string }>;
  cleanup?: { removed: Array<{ provider: string; what: string }>; leftovers: Array<{ provider: string; what: string; command: string }> };
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** The verdict in a few words: what exit 0, 3, 1, 130 mean for a drill. */
export function drillVerdict(p: DrillPredicate): string {
  switch (p.exitCode) {
    case 0:
      return 'every credential denied within its SLA';
    case 3:
      return 'SLA MISSED: a credential kept working too long';
    case 130:
      return 'interrupted';
    default:
      return `FAILED${p.error ? `: ${p.error}` : ''}`;
  }
}

function credentialLine(c: NonNullable<DrillPredicate['credentials']>[number]): string {
  const sla = c.slaMs !== undefined ? `SLA ${seconds(c.slaMs)}` : 'no SLA';
  const when = c.timeToDenyMs !== undefined && (c.verdict === 'within-sla' || c.verdict === 'over-sla' || c.verdict === 'denied') ? `denied after ${seconds(c.timeToDenyMs)}` : c.lastAllowedMs !== undefined ? `still working ${seconds(c.lastAllowedMs)} after` : '';
  return `${c.provider}: ${c.label}: ${c.verdict}${when ? `, ${when}` : ''} (${sla})${c.error ? `: ${c.error}` : ''}`;
}

/** Renders a drill statement's predicate as text or markdown (report show, and the drill's own output). */
export function renderDrill(p: DrillPredicate, format: 'text' | 'md'): string {
  const head = `drill of runbook ${p.runbook?.name ?? '?'} with canary ${p.canary ?? '?'}: ${drillVerdict(p)} (exit ${p.exitCode ?? '?'})`;
  const facts = [
    `canaries: ${(p.canaries ?? []).map((c) => `${c.provider} ${c.identity}`).join('; ') || 'none made'}`,
    `revocation: ${p.revocation ? `${p.revocation.status}, exit ${p.revocation.exitCode}` : 'did not run'}${p.revocationStartedAt ? `, started ${p.revocationStartedAt}` : ''}; deadline ${seconds(p.deadlineMs ?? 0)}`,
    `cleanup: ${(p.cleanup?.removed ?? []).length} removed, ${(p.cleanup?.leftovers ?? []).length} left`,
  ];
  const credentials = (p.credentials ?? []).map(credentialLine);
  const leftovers = (p.cleanup?.leftovers ?? []).map((l) => `${l.provider}: not removed: ${l.what}; remove it with: ${l.command}`);
  if (format === 'md') {
    return [`## revoke drill report`, '', markdownText(head), '', ...facts.map((f) => `- ${markdownText(f)}`), '', ...credentials.map((c) => `- ${markdownText(c)}`), ...leftovers.map((l) => `- ⚠️ ${markdownText(l)}`)].join('\n');
  }
  return [head, ...facts.map((f) => `  ${f}`), ...credentials.map((c) => `  - ${c}`), ...leftovers.map((l) => `  ! ${l}`)].join('\n');
}
