import { connectProviders } from '../engine/connect.js';
import { RunEventStream } from '../engine/events.js';
import { runBounded, runGraph } from '../engine/graph-runner.js';
import { disconnectAll } from '../engine/run.js';
import { errorMessage } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection } from '../providers/types.js';
import type { RunPlan } from '../runbook/resolve.js';
import type { RecordedSession } from '../session/recorded-command.js';
import { planRestores, toRestore, type PlannedRestore, type RestoreStep } from './restore-plan.js';

/** What became of one finding in a restore. */
export type RestoreFindingOutcome = 'planned' | 'restored' | 'invited' | 'already-restored' | 'kept' | 'conflict' | 'not-restorable' | 'failed' | 'not-run';

export interface RestoredFinding {
  kind: string;
  id: string;
  label: string;
  /** The prior state discovery recorded, as the original report carries it. */
  details?: Record<string, string | number | boolean>;
  outcome: RestoreFindingOutcome;
  /** What restore did or would do, why it kept or could not, the error. */
  detail: string;
  /** For what cannot be restored: what to do instead (an exact command). */
  instead?: string;
  /** The person must accept an invitation before the access is back. */
  needsAcceptance?: boolean;
  durationMs?: number;
}

export interface RestoredStep {
  id: string;
  provider: string;
  providerType: string;
  user: string;
  status: 'planned' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';
  reason?: string;
  findings: RestoredFinding[];
}

export interface RestoreResult {
  status: 'completed' | 'failed' | 'cancelled' | 'interrupted';
  exitCode: number;
  dryRun: boolean;
  actors: Array<{ provider: string; providerType: string; actor: string }>;
  steps: RestoredStep[];
}

export interface RestoreRunOptions {
  dryRun: boolean;
  concurrency: number;
  undoSessionCutoffs: boolean;
  env: NodeJS.ProcessEnv;
  /** Asked once, after planning, before the first change; gets the plan to show. */
  confirm(plan: RestoredStep[]): Promise<{ approved: boolean; by: 'prompt' | 'flag' }>;
  /** A line of live progress (stderr). */
  progress(line: string): void;
}

/**
 * Restores what a run revoked: connect, plan read-only (what each finding's provider says
 * restoring would do now), confirm, then restore in the run's dependency order reversed: a step is
 * restored only after every step that depended on it was. Inside a step, the highest phase goes
 * first (the containment policy comes off last). Conflicts are reported and the rest proceeds;
 * anything not restored makes exit 1. Every event goes to the journal before it is shown.
 */
export async function runRestore(runSteps: RestoreStep[], connectPlan: RunPlan, registry: ProviderRegistry, session: RecordedSession, options: RestoreRunOptions): Promise<RestoreResult> {
  const { record, stop } = session;
  // Planned, shown and recorded in the order they are restored.
  const steps = inRestoreOrder(runSteps);
  const results = steps.map(stepResult);
  const note = (type: string, body: Record<string, unknown>, line?: string) => {
    record(type, body);
    if (line) options.progress(line);
  };
  let connections = new Map<string, Connection<unknown>>();
  const actors: RestoreResult['actors'] = [];
  const connectEvents = new RunEventStream();
  connectEvents.subscribe((event) => {
    if (event.type !== 'provider-connected') return;
    actors.push({ provider: event.provider, providerType: event.providerType, actor: event.actor });
    note('provider-connected', { provider: event.provider, providerType: event.providerType, actor: event.actor }, `connected ${event.provider} (${event.providerType}) as ${event.actor}`);
  });
  const finish = (status: RestoreResult['status'], exitCode: number): RestoreResult => {
    note('restore-finished', { status, exitCode }, `restore finished: ${status} (exit ${exitCode})`);
    return { status, exitCode, dryRun: options.dryRun, actors, steps: results };
  };

  try {
    connections = await connectProviders(connectPlan, registry, connectEvents, { env: options.env, signal: stop.signal });
    await planRestores(steps, registry, connections, { undoSessionCutoffs: options.undoSessionCutoffs, signal: stop.signal });
    steps.forEach((step, i) => {
      results[i]!.findings = step.entries.map(plannedFinding);
      for (const f of results[i]!.findings) note('restore-planned', { stepId: step.id, ...f }, `planned ${step.id} ${f.kind} ${f.id}: ${f.outcome === 'planned' ? 'restore' : f.outcome}: ${f.detail}`);
    });
    if (stop.requested) return finish('interrupted', ExitCode.Interrupted);
    const unrestorable = results.some((s) => s.findings.some((f) => f.outcome === 'conflict' || f.outcome === 'failed'));
    if (options.dryRun) return finish('completed', unrestorable ? ExitCode.ActionFailed : ExitCode.Success);
    if (toRestore(steps).length === 0) {
      for (const step of results) step.status = step.findings.some((f) => f.outcome === 'failed') ? 'failed' : 'succeeded';
      return finish(unrestorable ? 'failed' : 'completed', unrestorable ? ExitCode.ActionFailed : ExitCode.Success);
    }
    const confirmation = await options.confirm(results);
    note('confirmation', { ...confirmation }, `confirmed by ${confirmation.by === 'flag' ? '--yes' : 'prompt'}: ${confirmation.approved ? 'yes' : 'no'}`);
    if (stop.requested) return finish('interrupted', ExitCode.Interrupted);
    if (!confirmation.approved) return finish('cancelled', ExitCode.ActionFailed);

    const states = await restoreInReverseOrder(steps, results, registry, connections, session, options, note);
    if (stop.requested) return finish('interrupted', ExitCode.Interrupted);
    const allRestored = [...states.values()].every((s) => s === 'succeeded') && !results.some((s) => s.findings.some((f) => f.outcome === 'conflict' || f.outcome === 'failed' || f.outcome === 'not-run'));
    return finish(allRestored ? 'completed' : 'failed', allRestored ? ExitCode.Success : ExitCode.ActionFailed);
  } catch (error) {
    note('restore-finished', { status: 'failed', error: errorMessage(error) });
    throw error;
  } finally {
    await disconnectAll(connectPlan, registry, connections);
  }
}

/** The run's graph with every edge turned round: B depended on A, so A waits for B. */
export function reversedGraph(steps: Array<Pick<RestoreStep, 'id' | 'dependsOn'>>): Array<{ id: string; dependsOn: string[] }> {
  return steps.map((step) => ({ id: step.id, dependsOn: steps.filter((other) => other.dependsOn.includes(step.id)).map((other) => other.id) }));
}

/** The steps in an order restore may run them one by one: each after every step that depended on it (Kahn's algorithm, stable). */
export function inRestoreOrder<Step extends Pick<RestoreStep, 'id' | 'dependsOn'>>(steps: Step[]): Step[] {
  const graph = reversedGraph(steps);
  const done = new Set<string>();
  const ordered: Step[] = [];
  while (ordered.length < steps.length) {
    const next = steps.find((step, i) => !done.has(step.id) && graph[i]!.dependsOn.every((d) => done.has(d)));
    // The run's graph had no cycle (validated), so neither has its reverse; guard anyway.
    if (!next) return [...ordered, ...steps.filter((s) => !done.has(s.id))];
    done.add(next.id);
    ordered.push(next);
  }
  return ordered;
}

async function restoreInReverseOrder(
  steps: RestoreStep[],
  results: RestoredStep[],
  registry: ProviderRegistry,
  connections: Map<string, Connection<unknown>>,
  session: RecordedSession,
  options: RestoreRunOptions,
  note: (type: string, body: Record<string, unknown>, line?: string) => void,
) {
  const { stop } = session;
  const byId = new Map(steps.map((s, i) => [s.id, { step: s, result: results[i]! }]));
  return runGraph(
    reversedGraph(steps),
    { concurrency: options.concurrency, isStopped: () => stop.requested },
    async (id) => {
      const { step, result } = byId.get(id)!;
      note('step-started', { stepId: id }, `step ${id} started`);
      const provider = registry.get(step.providerType)!;
      const client = connections.get(step.provider)!.client;
      let failed = false;
      // Highest phase first: credentials come back before the containment policy comes off.
      const phases = [...new Set(step.entries.map((e) => e.finding.phase))].sort((a, b) => b - a);
      for (const phase of phases) {
        const batch = step.entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.finding.phase === phase && entry.plan.action === 'restore');
        if (failed || stop.requested) {
          for (const { index } of batch) Object.assign(result.findings[index]!, { outcome: 'not-run', detail: failed ? 'not attempted: an earlier finding in this step failed' : 'not attempted: the restore was interrupted' });
          continue;
        }
        await runBounded(batch, options.concurrency, async ({ entry, index }) => {
          const finding = result.findings[index]!;
          const started = performance.now();
          try {
            const outcome = await provider.restore!(client, entry.finding, { user: step.user, mode: step.mode, options: step.options, signal: stop.signal, undoSessionCutoffs: options.undoSessionCutoffs });
            finding.outcome = outcome.status;
            finding.detail = outcome.status === 'conflict' ? outcome.reason : (outcome.detail ?? finding.detail);
          } catch (error) {
            failed = true;
            finding.outcome = 'failed';
            finding.detail = errorMessage(error);
          }
          finding.durationMs = Math.round(performance.now() - started);
          note('restore-result', { stepId: id, kind: finding.kind, id: finding.id, outcome: finding.outcome, detail: finding.detail, durationMs: finding.durationMs }, `${finding.outcome} ${id} ${finding.kind} ${finding.id}: ${finding.detail} (${finding.durationMs} ms)`);
        });
      }
      result.status = failed ? 'failed' : 'succeeded';
      note('step-finished', { stepId: id, status: result.status }, `step ${id} ${result.status}`);
      return { status: failed ? 'failed' : 'succeeded' };
    },
    (id, why) => {
      const { result } = byId.get(id)!;
      result.status = why.cause === 'stopped' ? 'interrupted' : 'skipped';
      result.reason = why.reason;
      for (const finding of result.findings) if (finding.outcome === 'planned') Object.assign(finding, { outcome: 'not-run', detail: why.reason });
      note('step-finished', { stepId: id, status: result.status, reason: why.reason }, `step ${id} ${result.status}: ${why.reason}`);
    },
  );
}

function stepResult(step: RestoreStep): RestoredStep {
  return { id: step.id, provider: step.provider, providerType: step.providerType, user: step.user, status: 'planned', findings: step.entries.map(plannedFinding) };
}

function plannedFinding({ finding, plan }: PlannedRestore): RestoredFinding {
  const base = { kind: finding.kind, id: finding.id, label: finding.label, ...(finding.details ? { details: finding.details } : {}) };
  switch (plan.action) {
    case 'restore':
      return { ...base, outcome: 'planned', detail: plan.what, ...(plan.needsAcceptance ? { needsAcceptance: true } : {}) };
    case 'keep':
      return { ...base, outcome: 'kept', detail: plan.reason };
    case 'conflict':
      return { ...base, outcome: 'conflict', detail: plan.reason };
    case 'not-restorable':
      return { ...base, outcome: 'not-restorable', detail: plan.reason, ...(plan.instead ? { instead: plan.instead } : {}) };
    case 'failed':
      return { ...base, outcome: 'failed', detail: plan.error };
  }
}
