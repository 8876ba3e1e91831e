import type { ProviderRegistry } from '../providers/registry.js';
import type { Runbook } from '../runbook/model.js';
import { resolveRun, type RunPlan } from '../runbook/resolve.js';

/**
 * What `revoke watch` connects to for a secret report: the runbook's provider instances that took
 * something away, each as a step for the identity it belonged to (the report's `steps`).
 */
export function secretWatchPlan(runbook: Runbook, registry: ProviderRegistry, steps: Array<{ id: string; provider: string; user: string }>): RunPlan {
  const asSteps = steps.map((s) => ({ id: s.id, provider: s.provider, user: s.user, kinds: [], revoke: [], mode: undefined, dependsOn: [], options: {} }));
  return resolveRun({ ...runbook, steps: asSteps }, registry, { user: 'secret' });
}
