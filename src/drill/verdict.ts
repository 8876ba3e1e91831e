import { ExitCode } from '../exit-codes.js';
import type { RunPlan } from '../runbook/resolve.js';
import type { ProbeLoopResult } from './probe-loop.js';

/**
 * One canary credential's outcome. `within-sla`/`over-sla`: denied within or after the SLA;
 * `denied`: denied, no SLA set; `not-denied`: still working at the deadline; `unknown`: the
 * probe could not tell; `not-probed`: the drill ended (failure, Ctrl-C) before it was probed.
 */
export type CredentialVerdict = 'within-sla' | 'over-sla' | 'denied' | 'not-denied' | 'unknown' | 'not-probed';

export interface CredentialResult {
  provider: string;
  providerType: string;
  credential: string;
  label: string;
  slaMs?: number;
  /** From the start of the revocation to the probe that was first denied. */
  timeToDenyMs?: number;
  /** From the start of the revocation to the last probe that still worked (the lower bound). */
  lastAllowedMs?: number;
  probes: number;
  verdict: CredentialVerdict;
  error?: string;
}

/**
 * The SLA of a provider instance's credentials: the strictest `sla:` of its steps in this run,
 * else the instance's own `sla:`, else none.
 */
export function slaOf(plan: RunPlan, instance: string): number | undefined {
  const stepSlas = plan.runbook.steps.filter((s) => s.provider === instance && plan.steps.some((p) => p.id === s.id) && s.slaMs !== undefined).map((s) => s.slaMs!);
  if (stepSlas.length > 0) return Math.min(...stepSlas);
  return plan.runbook.providers[instance]?.slaMs;
}

export function verdictOf(loop: ProbeLoopResult | undefined, revokedAt: number | undefined, slaMs: number | undefined): Pick<CredentialResult, 'verdict' | 'timeToDenyMs' | 'lastAllowedMs' | 'probes' | 'error'> {
  if (!loop || revokedAt === undefined) return { verdict: 'not-probed', probes: loop?.probes ?? 0 };
  const timing = {
    probes: loop.probes,
    ...(loop.sentAt !== undefined ? { timeToDenyMs: Math.round(loop.sentAt - revokedAt) } : {}),
    ...(loop.lastOtherAt !== undefined ? { lastAllowedMs: Math.max(0, Math.round(loop.lastOtherAt - revokedAt)) } : {}),
  };
  if (loop.ended === 'wanted') {
    const verdict = slaMs === undefined ? 'denied' : timing.timeToDenyMs! <= slaMs ? 'within-sla' : 'over-sla';
    return { verdict, ...timing };
  }
  if (loop.ended === 'stopped') return { verdict: 'not-probed', ...timing };
  if (loop.lastError !== undefined) return { verdict: 'unknown', ...timing, error: loop.lastError };
  return { verdict: 'not-denied', ...timing };
}

/**
 * 1 when the drill itself failed (the revocation, a probe that could not tell, a canary cleanup
 * left something); else 3 when a credential was denied too late or not at all; else 0.
 */
export function drillExitCode(credentials: CredentialResult[], { revocationFailed, leftovers }: { revocationFailed: boolean; leftovers: number }): number {
  if (revocationFailed || leftovers > 0 || credentials.some((c) => c.verdict === 'unknown' || c.verdict === 'not-probed')) return ExitCode.ActionFailed;
  if (credentials.some((c) => c.verdict === 'over-sla' || c.verdict === 'not-denied')) return ExitCode.AccessFound;
  return ExitCode.Success;
}
