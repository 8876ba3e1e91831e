import { randomBytes } from 'node:crypto';
import { InvalidInputError, RevokeError } from '../errors.js';
import type { DiscoveryResult } from './discover.js';
import { ExitCode } from '../exit-codes.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { findingKey, type Connection, type Finding } from '../providers/types.js';
import type { PlannedStep, RunPlan } from '../runbook/resolve.js';
import { connectProviders, refuseSelfRevocation } from './connect.js';
import { Containment } from './contain.js';
import { discoverAll } from './discover.js';
import { RefusalGate } from './refusal-gate.js';
import type { RunEventStream, RunStatus } from './events.js';
import { revokeAll } from './revoke.js';
import type { StopController } from './stop.js';

export interface RunOptions {
  dryRun: boolean;
  concurrency: number;
  /** With dryRun: exit 3 when something would be revoked. */
  detailedExitCode: boolean;
  /** Blast radius: use within this window counts as recent (ms). */
  recentMs?: number;
  /** With dryRun: exit 3 when the plan has any warning (CI review gates). */
  failOnWarning?: boolean;
  env: NodeJS.ProcessEnv;
  stop: StopController;
  /** Asked once, after discovery, before the first mutation of a real run (unless `confirmedUpFront`). */
  confirm: () => Promise<{ approved: boolean; by: 'prompt' | 'flag' }>;
  /**
   * The run is confirmed before it starts (`--yes`): containment fires right after connect, while
   * the rest is discovered. Otherwise it fires the moment the plan is approved, before anything else.
   */
  confirmedUpFront?: boolean;
  runId?: string;
  /** `revoke apply`: revoke exactly these findings (step id -> kind/id keys); refuse on drift unless allowed. */
  approved?: {
    findings: Map<string, Map<string, string>>;
    allowDrift: boolean;
    /** Checked after connecting, before discovery: throws when these are not the systems the plan was made against. */
    refuseConnections(connected: Map<string, { actor: string }>): void;
  };
  resumedFrom?: { journal: string; sha256: string; runId: string };
  /** Resolves once the journal so far is on the disk: awaited before every mutating request (write-ahead). */
  durable?: () => Promise<void>;
}

export interface RunOutcome {
  status: RunStatus;
  exitCode: number;
}

/**
 * One run: connect, guard, discover, and (unless dry run) confirm and revoke.
 * Every phase reports through `events`; the run always ends with a run-finished event.
 */
export async function executeRun(plan: RunPlan, registry: ProviderRegistry, events: RunEventStream, options: RunOptions): Promise<RunOutcome> {
  const { stop } = options;
  events.emit({
    type: 'run-started',
    runId: options.runId ?? newRunId(plan.user),
    runbook: { name: plan.runbook.name, file: plan.runbook.file, sha256: plan.runbook.sha256 },
    user: plan.user,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    steps: plan.steps.map(({ id, provider, providerType, user, kinds, mode, dependsOn }) => ({ id, provider, providerType, user, kinds, mode, dependsOn })),
    warnings: plan.warnings,
    ...(options.resumedFrom ? { resumedFrom: options.resumedFrom } : {}),
  });
  const finish = (status: RunStatus, exitCode: number): RunOutcome => {
    events.emit({ type: 'run-finished', status, exitCode });
    return { status, exitCode };
  };

  // Confirmed up front: each provider's containment goes out as soon as it is connected and its
  // self-lockout guard passed, while the rest connects and discovers. A saved plan is checked for drift first.
  const early = Boolean(options.confirmedUpFront) && !options.dryRun && !options.approved;
  const readers = new Map<string, Connection<unknown>>();
  const connecting = new Map(plan.providers.map((instance) => [instance.name, deferred<Connection<unknown>>()]));
  // A saved plan reads nothing of the person (containment's planning reads included) before every account is checked against it.
  const accountsChecked = deferred<void>();
  if (!options.approved) accountsChecked.resolve();
  const containment = new Containment(plan, registry, (name) => accountsChecked.promise.then(() => connecting.get(name)!.promise).then(() => readers.get(name)!.client), events, early ? 'early' : 'after-approval', stop.signal);
  const revokeOptions = { concurrency: options.concurrency, isStopped: () => stop.requested, signal: stop.signal, ...(options.durable ? { durable: options.durable } : {}) };
  const containing = early ? containment.fire((name) => connecting.get(name)!.promise, revokeOptions) : undefined;
  // Early mode: each step's removals start once its own discovery is done and nothing can refuse
  // the run any more (every step's guards and containment's passed), not after every discovery.
  const gate = early ? new RefusalGate([...plan.steps.map((step) => step.id), CONTAINMENT_GUARDS]) : undefined;
  if (gate) void containment.settled().then(({ refusal }) => (refusal ? gate.refused(refusal) : gate.passed(CONTAINMENT_GUARDS)));
  // Each step is discovered as soon as its own provider is connected and guarded (after its
  // containment went out, in early mode). A saved plan is first checked against every account
  // it was made for, so its discovery waits for all of them (afterConnect starts it).
  const discovering = options.approved ? undefined : discover(plan, registry, events, options, containment, (name) => connecting.get(name)!.promise.then(() => readers.get(name)!), gate);

  let connections: Awaited<ReturnType<typeof connectProviders>> = new Map();
  let connectFailed = false;
  // Whatever stops the run while connecting first lets the containment already on its way finish.
  const settleContainment = async (error: unknown) => {
    for (const pending of connecting.values()) pending.reject(error);
    await Promise.all([containing, discovering]);
  };
  try {
    // Connect's early reads of the person are for runs without a saved plan (see accountsChecked).
    connections = await connectProviders(plan, registry, events, { env: options.env, signal: stop.signal, prefetch: !options.approved }, {
      onConnected: (name, connection) => {
        // Discover once: one read cache per provider instance, shared by its steps (discovery only).
        const cached = registry.get(plan.providers.find((p) => p.name === name)!.type)?.withReadCache?.(connection.client);
        readers.set(name, cached === undefined ? connection : { ...connection, client: cached });
        try {
          if (connectFailed) throw new Error('another provider could not connect');
          refuseSelfRevocation({ ...plan, steps: plan.steps.filter((step) => step.provider === name) }, new Map([[name, connection]]));
          connecting.get(name)!.resolve(connection);
        } catch (error) {
          connecting.get(name)!.reject(error);
        }
      },
      // Once one provider failed to connect the run stops: containment not yet sent stays unsent.
      onFailed: () => {
        connectFailed = true;
        for (const pending of connecting.values()) pending.reject(new Error('another provider could not connect'));
      },
      beforeClosing: () => settleContainment(new Error('another provider could not connect')),
    });
    refuseSelfRevocation(plan, connections);
    options.approved?.refuseConnections(connections);
    accountsChecked.resolve();
  } catch (error) {
    accountsChecked.reject(error);
    await settleContainment(error);
    await disconnectAll(plan, registry, connections);
    finish('failed', error instanceof RevokeError ? error.exitCode : ExitCode.ActionFailed);
    throw containment.sent > 0 && error instanceof RevokeError ? afterContainment(error, containment.sent) : error;
  }
  // The run ends after the containment still on its way has answered: run-finished is its last record.
  let ending: RunOutcome | undefined;
  try {
    return await afterConnect(plan, registry, events, options, { connections, readers, containment, containing, discovering, gate, revokeOptions }, (status, exitCode) => (ending = { status, exitCode }));
  } finally {
    await Promise.all([containing, discovering]);
    if (ending) finish(ending.status, ending.exitCode);
    await disconnectAll(plan, registry, connections);
  }
}

/** Discovery of every step, each once `connectionOf` its provider instance resolves; containment's findings are not discovered twice. */
function discover(
  plan: RunPlan,
  registry: ProviderRegistry,
  events: RunEventStream,
  options: RunOptions,
  containment: Containment,
  connectionOf: (instance: string) => Promise<Connection<unknown>>,
  gate?: RefusalGate,
): Promise<Map<string, DiscoveryResult>> {
  return discoverAll(plan, registry, connectionOf, events, {
    concurrency: options.concurrency,
    isStopped: () => options.stop.requested,
    signal: options.stop.signal,
    ...(options.recentMs !== undefined ? { recentMs: options.recentMs } : {}),
    keepNew: (step, found) => containment.keepNew(step, found),
    ready: (step) => containment.dispatched(step),
    ...(gate ? { guardsPassed: (step: PlannedStep) => gate.passed(step.id), settled: (step: PlannedStep, result: DiscoveryResult) => gate.settle(step.id, result) } : {}),
  });
}

/** The refusal gate's name for containment planning's guards (never a step id: those come from YAML keys and cannot hold a NUL). */
const CONTAINMENT_GUARDS = '\u0000containment';

/** A refusal after containment went out must not claim that nothing changed. */
function afterContainment(error: RevokeError, sent: number): RevokeError {
  return new RevokeError(`${error.message}\n(containment had already been sent first: ${sent} finding${sent === 1 ? '' : 's'}, reversible; the report lists them)`, error.exitCode, error.fix);
}

/** A promise with its resolve and reject in hand; a rejection nobody awaits is not an unhandled one. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

async function afterConnect(
  plan: RunPlan,
  registry: ProviderRegistry,
  events: RunEventStream,
  options: RunOptions,
  run: {
    connections: Map<string, Connection<unknown>>;
    readers: Map<string, Connection<unknown>>;
    containment: Containment;
    /** The containment going out now (confirmed up front), or undefined: it goes out after approval. */
    containing: Promise<void> | undefined;
    /** Discovery already under way (started per provider as it connected), or undefined: start it now. */
    discovering: Promise<Map<string, DiscoveryResult>> | undefined;
    /** Confirmed up front: when no step can refuse any more, and each step's discovery as soon as it is done. */
    gate: RefusalGate | undefined;
    revokeOptions: { concurrency: number; isStopped: () => boolean; signal: AbortSignal };
  },
  finish: (status: RunStatus, exitCode: number) => RunOutcome,
): Promise<RunOutcome> {
  const { stop } = options;
  const { connections, readers, containment, containing, discovering, gate, revokeOptions } = run;
  if (stop.requested) {
    await Promise.all([containing, discovering]);
    return finish('interrupted', ExitCode.Interrupted);
  }
  // Containment is revoked by `fire` (already, or first thing after approval), the rest in step
  // order; each step's rest waits for its own containment to answer (ready), no other.
  const revokeRest = { ...revokeOptions, containmentFailed: containment.failedSteps, ready: (step: PlannedStep) => containment.answered(step) };
  // Confirmed up front: the step graph starts now; a step begins once its own discovery is done and
  // the gate is open (no step can refuse any more), not once every step's discovery is done.
  const chain = gate ? revokeAll(plan, registry, connections, (id) => gate.discovered(id).then((result) => restOf(result, containment)), events, { ...revokeRest, cleared: gate.open }) : undefined;
  chain?.catch(() => undefined);
  const chainSettled = () => chain?.then(() => undefined, () => undefined);

  const discoveredOnly = await (discovering ?? discover(plan, registry, events, options, containment, async (name) => readers.get(name)!));
  const contained = await containment.settled();
  const discovered = withContainment(discoveredOnly, contained.byStep);
  const refuse = async (error: RevokeError): Promise<never> => {
    // The gate refused too: nothing of the chain started; it ends before the run does.
    await chainSettled();
    finish('failed', error.exitCode);
    throw containment.sent > 0 ? afterContainment(error, containment.sent) : error;
  };
  if (contained.refusal) return refuse(contained.refusal);
  if (options.approved) {
    const drift = planDrift(discovered, options.approved.findings);
    if (drift.length > 0 && !options.approved.allowDrift) {
      finish('failed', ExitCode.InvalidInput);
      throw new InvalidInputError(
        `the plan is stale: the world changed since it was approved; nothing was done\n${drift.map((d) => `  ${d}`).join('\n')}`,
        'make a new plan (revoke user ... --dry-run --plan-out <file>), or pass --allow-drift to revoke only what the plan lists',
      );
    }
    keepOnlyApproved(discovered, options.approved.findings, events);
  }
  const findings = [...discovered.values()].reduce((n, r) => n + (r.ok ? r.findings.length : 0), 0);
  const discoveryFailed = [...discovered.values()].some((r) => !r.ok);
  events.emit({ type: 'plan-ready', findings, warnings: plan.warnings });

  const refusal = [...discovered.values()].find((r) => !r.ok && r.refusal);
  if (refusal && !refusal.ok && refusal.refusal) return refuse(refusal.refusal);
  const interrupted = async () => {
    await chainSettled();
    return finish('interrupted', ExitCode.Interrupted);
  };
  if (stop.requested) return interrupted();
  if (options.dryRun) {
    if (discoveryFailed) return finish('failed', ExitCode.ActionFailed);
    const warned = options.failOnWarning && (plan.warnings.length > 0 || [...discovered.values()].some((r) => r.ok && r.findings.some((f) => (f.warnings ?? []).length > 0)));
    return finish('completed', (options.detailedExitCode && findings > 0) || warned ? ExitCode.AccessFound : ExitCode.Success);
  }
  const rest = withoutContainment(discovered, containment);
  const revokeTheRest = () => chain ?? revokeAll(plan, registry, connections, (id) => rest.get(id), events, revokeRest);
  if (findings === 0) {
    // Nothing to ask about; steps still report (and failed discoveries still fail the run).
    await revokeTheRest();
    return discoveryFailed ? finish('failed', ExitCode.ActionFailed) : finish('completed', ExitCode.Success);
  }

  // Confirmed up front, this only shows the plan (the chain is already under way).
  const confirmation = await options.confirm();
  events.emit({ type: 'confirmation', ...confirmation });
  if (!chain) {
    if (stop.requested) return interrupted();
    if (!confirmation.approved) return finish('cancelled', ExitCode.ActionFailed);
    if (!containing) {
      const approved = new Set([...discovered.values()].flatMap((r) => (r.ok ? r.findings : [])));
      await containment.fire(async (name) => connections.get(name)!, revokeOptions, (finding) => approved.has(finding));
    }
  }
  const allSucceeded = await revokeTheRest();
  if (stop.requested) return finish('interrupted', ExitCode.Interrupted);
  return allSucceeded ? finish('completed', ExitCode.Success) : finish('failed', ExitCode.ActionFailed);
}

/** A step's discovery without its containment findings: what its revoke phase still has to do. */
function restOf(result: DiscoveryResult, containment: Containment): DiscoveryResult {
  return result.ok ? { ok: true, findings: result.findings.filter((f) => !containment.has(f)) } : result;
}

/** Every step's plan: its containment findings first, then what only discovery found. */
function withContainment(discovered: Map<string, DiscoveryResult>, contained: Map<string, Finding[]>): Map<string, DiscoveryResult> {
  return new Map(
    [...discovered].map(([stepId, result]) => [stepId, result.ok ? { ok: true, findings: [...(contained.get(stepId) ?? []), ...result.findings] } : result]),
  );
}

/** The plan without its containment findings: what the steps' revoke phase still has to do. */
function withoutContainment(discovered: Map<string, DiscoveryResult>, containment: Containment): Map<string, DiscoveryResult> {
  return new Map([...discovered].map(([stepId, result]) => [stepId, restOf(result, containment)]));
}

/** Closes every provider connection that has a disconnect hook. */
export async function disconnectAll(plan: Pick<RunPlan, 'providers'>, registry: ProviderRegistry, connections: Map<string, { client: unknown }>): Promise<void> {
  await Promise.all(
    plan.providers.map(async (instance) => {
      const connection = connections.get(instance.name);
      if (connection) await registry.get(instance.type)?.disconnect?.(connection.client);
    }),
  );
}

/** Sortable, unique and readable: 20261128T011127Z-alice-3f9a1c. */
export function newRunId(user: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const safeUser = user.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  return `${stamp}-${safeUser}-${randomBytes(3).toString('hex')}`;
}

/** Differences between what was approved and what discovery finds now, as readable lines. */
function planDrift(discovered: Map<string, DiscoveryResult>, approved: Map<string, Map<string, string>>): string[] {
  const lines: string[] = [];
  for (const [stepId, planned] of approved) {
    const result = discovered.get(stepId);
    const now = new Map(result?.ok ? result.findings.map((f) => [findingKey(f), f.label]) : []);
    for (const [key, label] of planned) if (!now.has(key)) lines.push(`${stepId}: - ${label} (planned, no longer there)`);
    for (const [key, label] of now) if (!planned.has(key)) lines.push(`${stepId}: + ${label} (found now, not in the plan)`);
  }
  return lines;
}

/**
 * Narrows discovery to the approved findings. What appeared since is recorded as skipped (not
 * approved, not revoked); what vanished is simply no longer there to revoke.
 */
function keepOnlyApproved(discovered: Map<string, DiscoveryResult>, approved: Map<string, Map<string, string>>, events: RunEventStream): void {
  for (const [stepId, result] of discovered) {
    if (!result.ok) continue;
    const planned = approved.get(stepId) ?? new Map();
    for (const finding of result.findings.filter((f) => !planned.has(findingKey(f)))) {
      events.emit({ type: 'revoke-finished', stepId, findingId: finding.id, kind: finding.kind, outcome: 'skipped', detail: 'not in the approved plan; not revoked', durationMs: 0 });
    }
    result.findings = result.findings.filter((f) => planned.has(findingKey(f)));
  }
}
