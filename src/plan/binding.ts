import { InvalidInputError } from '../errors.js';
import type { RunPlan } from '../runbook/resolve.js';

/** How long a saved plan may be applied after it was made, unless `--plan-ttl` says otherwise. */
export const DEFAULT_PLAN_TTL_MS = 24 * 3_600_000;

/** Who revoke connected as, per provider instance, when the plan was made (the run's `actors`). */
export interface PlannedActor {
  provider: string;
  providerType: string;
  actor: string;
}

/**
 * What binds a plan to the systems it was reviewed against: the identities revoke connected as
 * (AWS caller ARN with its account, GitHub login or App installation with the org, PostgreSQL
 * user@host:port/database), the user of each step, and an expiry.
 */
export interface PlanBinding {
  expiresAt: string;
  actors: PlannedActor[];
  steps: Array<{ id: string; user: string }>;
}

/** An expired plan is refused before anything connects. */
export function refuseExpiredPlan(binding: Pick<PlanBinding, 'expiresAt'>, planPath: string, now = new Date()): void {
  const expiresAt = new Date(binding.expiresAt);
  if (!(expiresAt.getTime() > now.getTime())) {
    throw new InvalidInputError(
      `the plan ${planPath} expired at ${Number.isNaN(expiresAt.getTime()) ? String(binding.expiresAt) : expiresAt.toISOString()}; nothing was done`,
      'make a new plan (revoke user ... --dry-run --plan-out <file>); --plan-ttl sets how long a plan stays valid',
    );
  }
}

/** The re-resolved step users must be the ones the reviewer saw (a changed --set or var would retarget a step). */
export function refuseRetargetedSteps(binding: Pick<PlanBinding, 'steps'>, plan: RunPlan, planPath: string): void {
  const now = new Map(plan.steps.map((s) => [s.id, s.user]));
  const diff = binding.steps.filter((s) => now.get(s.id) !== s.user).map((s) => `  ${s.id}: planned user ${JSON.stringify(s.user)}, now ${now.has(s.id) ? JSON.stringify(now.get(s.id)) : 'no such step'}`);
  if (diff.length > 0) {
    throw new InvalidInputError(`the plan ${planPath} names other users than the runbook resolves to now; nothing was done\n${diff.join('\n')}`, 'make a new plan with the current runbook and values');
  }
}

/**
 * After connecting and before discovery: every provider instance must be reached as the same
 * identity, at the same place, as when the plan was made. Otherwise the plan was reviewed against
 * other systems (another account, org, cluster or database) and is refused with the difference.
 */
export function refuseForeignActors(planned: PlannedActor[], connected: Map<string, { actor: string }>, planPath: string): void {
  const diff: string[] = [];
  for (const { provider, actor } of planned) {
    const now = connected.get(provider)?.actor;
    if (now !== actor) diff.push(`  ${provider}: planned against ${actor}\n  ${' '.repeat(provider.length)}  connected as   ${now ?? '(not connected)'}`);
  }
  for (const [provider, { actor }] of connected) {
    if (!planned.some((p) => p.provider === provider)) diff.push(`  ${provider}: not in the plan, connected as ${actor}`);
  }
  if (diff.length > 0) {
    throw new InvalidInputError(
      `the plan ${planPath} was made against other systems than revoke is connected to now; nothing was done\n${diff.join('\n')}`,
      'apply the plan with the credentials and endpoints it was made with, or make a new plan here',
    );
  }
}
