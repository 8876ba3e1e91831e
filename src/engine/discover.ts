import { errorMessage, isRefusal, RevokeError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection, Finding } from '../providers/types.js';
import type { RunPlan } from '../runbook/resolve.js';
import type { RunEventStream } from './events.js';
import { runGraph } from './graph-runner.js';

export type DiscoveryResult =
  | { ok: true; findings: Finding[] }
  /** `refusal`: a guard said no (e.g. the org's last owner); the whole run must stop, exit 2. */
  | { ok: false; error: string; refusal?: RevokeError };

/**
 * Read-only: asks every step's provider what access exists now. Steps are discovered
 * concurrently (no ordering needed for reads), each as soon as its own provider instance is
 * connected (`connectionOf`), not after every instance is: the slowest connect does not hold up
 * the others' reads. This is the whole of a dry run, and the plan of a real run, so the two
 * cannot differ.
 */
export async function discoverAll(
  plan: RunPlan,
  registry: ProviderRegistry,
  /** The (read-only) connection of a provider instance; rejects if it never connects (the run stops: the step is not discovered). */
  connectionOf: (instance: string) => Promise<Connection<unknown>>,
  events: RunEventStream,
  options: {
    concurrency: number;
    isStopped: () => boolean;
    signal: AbortSignal;
    recentMs?: number;
    /** Which of a step's findings are new (containment has the rest); all when omitted. */
    keepNew?: (step: RunPlan['steps'][number], findings: Finding[]) => Promise<Finding[]>;
    /** Awaited before a step's discovery starts (its containment goes out first). */
    ready?: (step: RunPlan['steps'][number]) => Promise<void>;
    /** Given to the provider (`DiscoverRequest.guardsPassed`): the step's discovery can no longer refuse the run. */
    guardsPassed?: (step: RunPlan['steps'][number]) => void;
    /** Sees each step's result as soon as it is known (before every step is discovered) and may replace it. */
    settled?: (step: RunPlan['steps'][number], result: DiscoveryResult) => DiscoveryResult;
  },
): Promise<Map<string, DiscoveryResult>> {
  const map = new Map<string, DiscoveryResult>();
  const results = {
    set: (id: string, result: DiscoveryResult) => {
      const step = plan.steps.find((s) => s.id === id)!;
      map.set(id, options.settled ? options.settled(step, result) : result);
    },
  };
  const nodes = plan.steps.map((step) => ({ id: step.id, dependsOn: [] }));
  await runGraph(
    nodes,
    options,
    async (id) => {
      const step = plan.steps.find((s) => s.id === id)!;
      const provider = registry.get(step.providerType)!;
      let client: unknown;
      try {
        client = (await connectionOf(step.provider)).client;
      } catch (error) {
        // Never connected (this or another instance failed): nothing was asked, nothing to journal.
        results.set(id, { ok: false, error: errorMessage(error) });
        return { status: 'failed' };
      }
      await options.ready?.(step);
      const started = performance.now();
      events.emit({ type: 'discovery-started', stepId: id });
      try {
        const discovered = await provider.discover(client, {
          user: step.user,
          kinds: step.kinds,
          mode: step.mode,
          options: step.options,
          signal: options.signal,
          ...(options.recentMs !== undefined ? { recentMs: options.recentMs } : {}),
          ...(options.guardsPassed ? { guardsPassed: () => options.guardsPassed!(step) } : {}),
        });
        const { findings: found, skipped = [], warnings = [] } = Array.isArray(discovered) ? { findings: discovered } : discovered;
        const findings = orderFindings(options.keepNew ? await options.keepNew(step, found) : found);
        for (const finding of findings) events.emit({ type: 'finding-discovered', stepId: id, finding });
        for (const { kind, reason } of skipped) events.emit({ type: 'kind-skipped', stepId: id, kind, reason });
        for (const message of warnings) events.emit({ type: 'step-warning', stepId: id, message });
        events.emit({ type: 'discovery-finished', stepId: id, findings: findings.length, durationMs: elapsed(started) });
        results.set(id, { ok: true, findings });
        return { status: 'succeeded' };
      } catch (error) {
        const message = errorMessage(error);
        events.emit({ type: 'discovery-failed', stepId: id, error: message, durationMs: elapsed(started) });
        const refusal = isRefusal(error) ? error : undefined;
        results.set(id, refusal ? { ok: false, error: message, refusal } : { ok: false, error: message });
        return { status: 'failed' };
      }
    },
    (id, why) => results.set(id, { ok: false, error: why.reason }),
  );
  return map;
}

function orderFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.phase - b.phase);
}

export function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
