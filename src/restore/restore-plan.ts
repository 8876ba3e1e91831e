import type { FindingRecord } from '../engine/record.js';
import { errorMessage } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection, Finding, RestorePlan } from '../providers/types.js';
import type { ReportPredicate } from '../report/statement.js';
import type { Runbook } from '../runbook/model.js';
import { isProtected } from '../runbook/validate.js';

/** A step of the original run, as its report records it. */
export type ReportedStep = ReportPredicate['steps'][number];

/** One finding the original run revoked, and what restoring it would do now. */
export interface PlannedRestore {
  finding: Finding;
  /** What the original run said it did ("set Inactive", "NOLOGIN"). */
  revokedDetail?: string;
  plan: RestorePlan | { action: 'failed'; error: string };
}

export interface RestoreStep {
  id: string;
  provider: string;
  providerType: string;
  user: string;
  mode: string | undefined;
  /** The original step's dependencies; restore runs them the other way round. */
  dependsOn: string[];
  options: Record<string, unknown>;
  entries: PlannedRestore[];
}

/** Only a finding the run actually changed has anything to undo ("already-gone" changed nothing). */
export const wasRevoked = (finding: Pick<FindingRecord, 'outcome'>) => finding.outcome === 'revoked';

/** The part of a recorded finding a provider gets back: what discovery saw, prior state included. */
export function findingOf(record: FindingRecord): Finding {
  const { id, kind, label, phase, details, fingerprint } = record;
  return { id, kind, label, phase, ...(details ? { details } : {}), ...(fingerprint ? { fingerprint } : {}) };
}

/**
 * The steps of the original run that revoked something, narrowed by --only, each with the
 * findings to consider and the step as the runbook says now. A step the runbook no longer has,
 * or whose person is protected now, becomes a conflict for each of its findings: reported, never forced.
 */
export function restoreSteps(predicate: ReportPredicate, runbook: Runbook, options: { only: string[]; resolved: Map<string, { options: Record<string, unknown> }> }): RestoreStep[] {
  const steps = predicate.steps.filter((s) => s.findings.some(wasRevoked) && (options.only.length === 0 || options.only.includes(s.id)));
  const ids = new Set(steps.map((s) => s.id));
  return steps.map((step) => {
    const conflict = stepConflict(step, runbook);
    return {
      id: step.id,
      provider: step.provider,
      providerType: step.providerType,
      user: step.user,
      mode: step.mode,
      dependsOn: step.dependsOn.filter((d) => ids.has(d)),
      options: options.resolved.get(step.id)?.options ?? {},
      entries: step.findings.filter(wasRevoked).map((f) => ({
        finding: findingOf(f),
        ...(f.detail !== undefined ? { revokedDetail: f.detail } : {}),
        plan: conflict ? { action: 'conflict', reason: conflict } : { action: 'failed', error: 'not planned' },
      })),
    };
  });
}

/** Why a whole step cannot be restored as the runbook stands now, if it cannot. */
export function stepConflict(step: Pick<ReportedStep, 'id' | 'provider' | 'user'>, runbook: Runbook): string | undefined {
  if (!runbook.steps.some((s) => s.id === step.id)) return `step ${step.id} is no longer in the runbook`;
  if (!runbook.providers[step.provider]) return `provider ${step.provider} is no longer in the runbook`;
  if (isProtected(step.user, runbook.protect[step.provider] ?? [])) return `${step.user} is protected on ${step.provider} now (protect: in the runbook); not restored`;
  return undefined;
}

/**
 * Read-only: asks each finding's provider what restoring it would do now (every provider call
 * here goes through planRestore, which only gets the read-only client). A failure to look is
 * recorded on the finding, not thrown: the rest is still planned.
 */
export async function planRestores(steps: RestoreStep[], registry: ProviderRegistry, connections: Map<string, Connection<unknown>>, request: { undoSessionCutoffs: boolean; signal: AbortSignal }): Promise<void> {
  await Promise.all(
    steps.map(async (step) => {
      const provider = registry.get(step.providerType);
      const connection = connections.get(step.provider);
      for (const entry of step.entries) {
        if (entry.plan.action === 'conflict') continue;
        if (!provider?.planRestore || !connection) {
          entry.plan = { action: 'not-restorable', reason: `provider type ${step.providerType} cannot restore` };
          continue;
        }
        try {
          entry.plan = await provider.planRestore(connection.client, entry.finding, { user: step.user, mode: step.mode, options: step.options, signal: request.signal, undoSessionCutoffs: request.undoSessionCutoffs });
        } catch (error) {
          entry.plan = { action: 'failed', error: errorMessage(error) };
        }
      }
    }),
  );
  explainRemovedIdentities(steps);
}

/**
 * When the run itself removed an identity (deleted the user, dropped the role), whatever else it
 * took from that identity, in any step, finds it gone now: not a conflict with the world, but
 * not restorable, because of that removal.
 */
function explainRemovedIdentities(steps: RestoreStep[]): void {
  const identity = (step: RestoreStep) => `${step.provider}\u0000${step.user.toLowerCase()}`;
  const removedBy = new Map<string, string>();
  for (const step of steps) {
    for (const entry of step.entries) if (entry.plan.action === 'not-restorable' && entry.plan.identityRemoved) removedBy.set(identity(step), `${step.id}: ${entry.finding.label}`);
  }
  for (const step of steps) {
    const removal = removedBy.get(identity(step));
    if (!removal) continue;
    for (const entry of step.entries) {
      if (entry.plan.action === 'conflict' || entry.plan.action === 'keep') entry.plan = { action: 'not-restorable', reason: `the run removed ${step.user} itself (${removal}); this went with it` };
    }
  }
}

/** The entries that will change something: what confirmation asks about. */
export const toRestore = (steps: RestoreStep[]) => steps.flatMap((s) => s.entries.filter((e) => e.plan.action === 'restore'));
