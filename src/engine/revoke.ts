import { errorMessage } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection, Finding } from '../providers/types.js';
import type { PlannedStep, RunPlan } from '../runbook/resolve.js';
import { elapsed, type DiscoveryResult } from './discover.js';
import type { RunEventStream } from './events.js';
import { runBounded, runGraph, type NodeSkip } from './graph-runner.js';

export interface RevokeOptions {
  concurrency: number;
  isStopped: () => boolean;
  signal: AbortSignal;
  /** Steps whose containment (fired first) failed: the rest of each is not attempted, and the step fails. */
  containmentFailed?: ReadonlySet<string>;
  /** Awaited before a step's findings are revoked (its containment answers first). */
  ready?: (step: PlannedStep) => Promise<void>;
  /** Resolves once what was journaled so far is on the disk: awaited between a finding's revoke-started record and its request. */
  durable?: () => Promise<void>;
}

/** A step's discovery result, as soon as it is known (undefined: never discovered). */
export type DiscoveryOf = (stepId: string) => DiscoveryResult | undefined | Promise<DiscoveryResult | undefined>;

/**
 * The only place in revoke that calls a provider's revoke(). Runs the step graph: a step revokes
 * its findings once every step it depends on succeeded; a failed step skips its dependents.
 * `cleared` (a run confirmed up front): a step may start before every step is discovered, once
 * its own discovery is and this resolves; a rejection (a refusal) stops the graph before any
 * step has started.
 */
export async function revokeAll(
  plan: RunPlan,
  registry: ProviderRegistry,
  connections: Map<string, Connection<unknown>>,
  discoveryOf: DiscoveryOf,
  events: RunEventStream,
  options: RevokeOptions & { cleared?: Promise<void> },
): Promise<boolean> {
  const stepsById = new Map(plan.steps.map((step) => [step.id, step]));
  const discovered = new Map<string, DiscoveryResult | undefined>();
  const skips: Array<Promise<void>> = [];
  const states = await runGraph(
    plan.steps,
    options,
    async (id) => {
      const step = stepsById.get(id)!;
      const discovery = await discoveryOf(id);
      await options.cleared;
      discovered.set(id, discovery);
      // Started while its discovery was still going (a run confirmed up front), then stopped: like a step never started.
      if (options.isStopped()) {
        skip(id, { cause: 'stopped', reason: 'not started: the run was interrupted' });
        return { status: 'failed' };
      }
      const started = performance.now();
      events.emit({ type: 'step-started', stepId: id });
      if (!discovery?.ok) {
        const reason = `discovery failed: ${discovery?.error ?? 'not discovered'}`;
        events.emit({ type: 'step-finished', stepId: id, status: 'failed', reason, durationMs: elapsed(started) });
        return { status: 'failed' };
      }
      await options.ready?.(step);
      if (options.containmentFailed?.has(id)) {
        for (const finding of discovery.findings) {
          events.emit({ type: 'revoke-finished', stepId: id, findingId: finding.id, kind: finding.kind, outcome: 'not-run', detail: 'not attempted: containment of this step failed', durationMs: 0 });
        }
        events.emit({ type: 'step-finished', stepId: id, status: 'failed', reason: 'containment failed', durationMs: elapsed(started) });
        return { status: 'failed' };
      }
      const failed = await revokeStepFindings(step, discovery.findings, registry, connections, events, options);
      const interrupted = !failed && options.isStopped() && discovery.findings.length > 0;
      const status = failed ? 'failed' : interrupted ? 'interrupted' : 'succeeded';
      events.emit({ type: 'step-finished', stepId: id, status, durationMs: elapsed(started) });
      return { status: status === 'succeeded' ? 'succeeded' : 'failed' };
    },
    (id, why) => skip(id, why),
  );
  await Promise.all(skips);
  return [...states.values()].every((state) => state === 'succeeded');

  /** Records a step that never ran: its findings not run, once they are known (it may be skipped before its own discovery answered). */
  function skip(id: string, why: NodeSkip): void {
    const skipped = (discovery: DiscoveryResult | undefined) => {
      for (const finding of discovery?.ok ? discovery.findings : []) {
        events.emit({ type: 'revoke-finished', stepId: id, findingId: finding.id, kind: finding.kind, outcome: 'not-run', detail: why.reason, durationMs: 0 });
      }
      events.emit({ type: 'step-finished', stepId: id, status: why.cause === 'stopped' ? 'interrupted' : 'skipped', reason: why.reason, durationMs: 0 });
    };
    const discovery = discovered.has(id) ? discovered.get(id) : discoveryOf(id);
    if (discovery instanceof Promise) skips.push(discovery.then(skipped));
    else skipped(discovery);
  }
}

/** Revokes one step's findings phase by phase; returns whether any failed. */
export async function revokeStepFindings(
  step: PlannedStep,
  findings: Finding[],
  registry: ProviderRegistry,
  connections: Map<string, Connection<unknown>>,
  events: RunEventStream,
  options: RevokeOptions,
): Promise<boolean> {
  const provider = registry.get(step.providerType)!;
  const client = connections.get(step.provider)!.client;
  const phases = [...new Set(findings.map((f) => f.phase))].sort((a, b) => a - b);
  let failed = false;
  for (const phase of phases) {
    const batch = findings.filter((f) => f.phase === phase);
    if (failed || options.isStopped()) {
      const detail = failed ? 'not attempted: an earlier finding in this step failed' : 'not attempted: the run was interrupted';
      for (const finding of batch) {
        events.emit({ type: 'revoke-finished', stepId: step.id, findingId: finding.id, kind: finding.kind, outcome: 'not-run', detail, durationMs: 0 });
      }
      continue;
    }
    await runBounded(batch, options.concurrency, async (finding) => {
      if (options.isStopped()) {
        events.emit({ type: 'revoke-finished', stepId: step.id, findingId: finding.id, kind: finding.kind, outcome: 'not-run', detail: 'not attempted: the run was interrupted', durationMs: 0 });
        return;
      }
      const started = performance.now();
      events.emit({ type: 'revoke-started', stepId: step.id, findingId: finding.id, kind: finding.kind });
      try {
        // Write-ahead: the intent is on the disk before the request leaves (one flush covers the whole phase).
        await options.durable?.();
        const outcome = await provider.revoke(client, finding, { user: step.user, mode: step.mode, options: step.options, signal: options.signal });
        const detail = outcome.status === 'skipped' ? outcome.reason : outcome.detail;
        events.emit({
          type: 'revoke-finished',
          stepId: step.id,
          findingId: finding.id,
          kind: finding.kind,
          outcome: outcome.status,
          ...(detail === undefined ? {} : { detail }),
          ...(outcome.retries ? { retries: outcome.retries } : {}),
          durationMs: elapsed(started),
        });
      } catch (error) {
        failed = true;
        const retries = (error as { retries?: number }).retries;
        events.emit({
          type: 'revoke-finished',
          stepId: step.id,
          findingId: finding.id,
          kind: finding.kind,
          outcome: 'failed',
          error: errorMessage(error),
          ...(retries ? { retries } : {}),
          durationMs: elapsed(started),
        });
      }
    });
  }
  return failed;
}
