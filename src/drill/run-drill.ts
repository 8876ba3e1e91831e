import { connectProviders, refuseSelfRevocation } from '../engine/connect.js';
import { RunEventStream, type RunEvent, type RunStatus } from '../engine/events.js';
import { disconnectAll, executeRun } from '../engine/run.js';
import { errorMessage, InvalidInputError, RevokeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Canary, CanaryCredential, CleanupLeftover } from '../providers/drill-hooks.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection, Provider } from '../providers/types.js';
import type { RunPlan } from '../runbook/resolve.js';
import type { RecordedSession } from '../session/recorded-command.js';
import { DEFAULT_PROBE_SCHEDULE, probeUntil, type ProbeLoopResult, type ProbeSchedule } from './probe-loop.js';
import { drillExitCode, slaOf, verdictOf, type CredentialResult } from './verdict.js';

export interface DrillOptions {
  /** How long after the revocation starts each credential is probed before it counts as not denied (ms). */
  deadlineMs: number;
  concurrency: number;
  env: NodeJS.ProcessEnv;
  /** A progress line (no secrets), for stderr. */
  progress(line: string): void;
  /** The revocation's own events, for live progress. */
  onRunEvent?(event: RunEvent): void;
  schedule?: ProbeSchedule;
}

/** Everything a drill learned so far: the signed report is built from it, also after a failure or Ctrl-C. */
export interface DrillRecord {
  canary: string;
  runbook: { name: string; file: string; sha256: string };
  startedAt: string;
  revocationStartedAt?: string;
  finishedAt?: string;
  deadlineMs: number;
  canaries: Array<{ provider: string; providerType: string; identity: string; createdByDrill: boolean; credentials: string[] }>;
  revocation?: { status: RunStatus; exitCode: number };
  credentials: CredentialResult[];
  cleanup: { removed: Array<{ provider: string; what: string }>; leftovers: Array<CleanupLeftover & { provider: string }> };
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  error?: string;
  exitCode?: number;
}

export interface DrillTarget {
  instance: string;
  type: string;
  user: string;
  provider: Provider;
  config: Record<string, unknown>;
}

/** Which provider instances the drill makes canaries on, and whom: one canary name per instance. */
export function drillTargets(plan: RunPlan, registry: ProviderRegistry): DrillTarget[] {
  const targets = new Map<string, DrillTarget>();
  for (const step of plan.steps) {
    const provider = registry.get(step.providerType)!;
    if (!provider.canary || !provider.probe) {
      throw new InvalidInputError(
        `step ${step.id} uses provider ${step.provider} (${step.providerType}), which cannot make a drill canary or probe its credentials; nothing ran`,
        `drills support ${registry.all().filter((p) => p.canary && p.probe).map((p) => p.type).join(', ')}; leave the step out with --only <step-id> for each step to drill`,
      );
    }
    const seen = targets.get(step.provider);
    if (seen && seen.user !== step.user) {
      throw new InvalidInputError(`steps on provider ${step.provider} target different users (${seen.user}, ${step.user}); a drill has one canary per provider instance; nothing ran`, 'make every step of that provider use {{user}} (the --canary name), or drill them separately with --only');
    }
    targets.set(step.provider, { instance: step.provider, type: step.providerType, user: step.user, provider, config: plan.providers.find((p) => p.name === step.provider)!.config });
  }
  return [...targets.values()];
}

/**
 * `revoke drill`: make a canary on each provider, check its credentials work, run the runbook's
 * real revocation against it, probe every credential until it is denied (or the deadline), then
 * remove the canary, on success, failure and Ctrl-C alike. Returns the exit code in `record`.
 */
export async function runDrill(plan: RunPlan, registry: ProviderRegistry, session: RecordedSession, record: DrillRecord, options: DrillOptions): Promise<DrillRecord> {
  const { stop } = session;
  const schedule = options.schedule ?? DEFAULT_PROBE_SCHEDULE;
  const targets = drillTargets(plan, registry);
  session.record('drill-started', { runId: session.runId, canary: record.canary, runbook: record.runbook, deadlineMs: options.deadlineMs, targets: targets.map((t) => ({ provider: t.instance, providerType: t.type, user: t.user })) });

  const connectEvents = new RunEventStream();
  connectEvents.subscribe((event) => event.type === 'provider-connected' && session.record('provider-connected', { provider: event.provider, providerType: event.providerType, actor: event.actor }));
  const connections = await connectProviders(plan, registry, connectEvents, { env: options.env, signal: stop.signal });
  const canaries = new Map<string, Canary>();
  // Ends the probe loops when the drill ends early (a refusal, a crash): they must not outlive it.
  const probing = new AbortController();
  const loops = new Map<CanaryCredential, Promise<ProbeLoopResult>>();
  try {
    refuseSelfRevocation(plan, connections);
    await createCanaries(targets, connections, canaries, record, session, options);
    options.progress(`canary ${record.canary} ready on ${targets.map((t) => t.instance).join(', ')}: ${record.canaries.reduce((n, c) => n + c.credentials.length, 0)} credentials; checking they work`);
    const credentials = targets.flatMap((t) => canaries.get(t.instance)!.credentials.map((credential) => ({ target: t, credential })));
    await checkCredentialsWork(credentials, session, options, schedule);
    if (stop.requested) return finish(record, 'interrupted', ExitCode.Interrupted);

    let revokedAt: number | undefined;
    const startProbing = () => {
      revokedAt = performance.now();
      record.revocationStartedAt = new Date().toISOString();
      session.record('revocation-started', {});
      for (const { target, credential } of credentials) {
        loops.set(
          credential,
          probeUntil('denied', () => target.provider.probe!(credential, stop.signal), { deadlineAt: revokedAt + options.deadlineMs, stopped: AbortSignal.any([stop.requestedSignal, probing.signal]), schedule }).then((loop) => {
            const result = { provider: target.instance, credential: credential.name, ...verdictOf(loop, revokedAt, slaOf(plan, target.instance)) };
            session.record('credential-probed', result);
            options.progress(`${target.instance}: ${credential.label}: ${result.timeToDenyMs !== undefined && loop.ended === 'wanted' ? `denied after ${result.timeToDenyMs} ms` : result.verdict}`);
            return loop;
          }),
        );
      }
    };
    const events = new RunEventStream();
    events.subscribe(({ seq: _seq, ts: _ts, ...event }) => session.record(event.type, event));
    if (options.onRunEvent) events.subscribe(options.onRunEvent);
    // The clock starts when the revocation run does, as `revoke user --yes` in an incident:
    // confirmed up front, so containment goes out right after connect.
    startProbing();
    const outcome = await executeRun(plan, registry, events, {
      dryRun: false,
      concurrency: options.concurrency,
      detailedExitCode: false,
      env: options.env,
      stop,
      runId: session.runId,
      durable: () => session.journal.durable(),
      confirmedUpFront: true,
      confirm: async () => ({ approved: true, by: 'flag' }),
    });
    record.revocation = { status: outcome.status, exitCode: outcome.exitCode };
    const settled = new Map<CanaryCredential, ProbeLoopResult>();
    for (const [credential, loop] of loops) settled.set(credential, await loop);
    record.credentials = credentials.map(({ target, credential }) => ({
      provider: target.instance,
      providerType: target.type,
      credential: credential.name,
      label: credential.label,
      ...(slaOf(plan, target.instance) !== undefined ? { slaMs: slaOf(plan, target.instance)! } : {}),
      ...verdictOf(settled.get(credential), revokedAt, slaOf(plan, target.instance)),
    }));
    if (stop.requested) return finish(record, 'interrupted', ExitCode.Interrupted);
    return finish(record, 'completed', 0);
  } catch (error) {
    // Ctrl-C while the canary was being made or checked: an interruption, not a failure.
    if (stop.requested) return finish(record, 'interrupted', ExitCode.Interrupted);
    record.error = errorMessage(error);
    record.status = 'failed';
    // The drill's own failures (a canary that could not be made or never worked) are exit 1, not a crash.
    throw error instanceof RevokeError ? error : new RevokeError(`drill failed: ${errorMessage(error)}`, ExitCode.ActionFailed);
  } finally {
    probing.abort();
    await Promise.allSettled(loops.values());
    await cleanupCanaries(canaries, record, session, options);
    await disconnectAll(plan, registry, connections);
    record.finishedAt = new Date().toISOString();
    if (record.status !== 'failed') {
      record.exitCode =
        record.status === 'interrupted'
          ? ExitCode.Interrupted
          : drillExitCode(record.credentials, { revocationFailed: record.revocation?.exitCode !== ExitCode.Success, leftovers: record.cleanup.leftovers.length });
    }
    session.record('drill-finished', { status: record.status, ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}) });
  }
}

function finish(record: DrillRecord, status: DrillRecord['status'], exitCode: number): DrillRecord {
  record.status = status;
  record.exitCode = exitCode; // final once cleanup is known (see runDrill's finally)
  return record;
}

async function createCanaries(
  targets: DrillTarget[],
  connections: Map<string, Connection<unknown>>,
  canaries: Map<string, Canary>,
  record: DrillRecord,
  session: RecordedSession,
  options: DrillOptions,
): Promise<void> {
  const attempts = await Promise.allSettled(
    targets.map(async (target) => {
      const { client } = connections.get(target.instance)!;
      const canary = await target.provider.canary!(client, { user: target.user, config: target.config, env: options.env, signal: session.stop.signal });
      canaries.set(target.instance, canary);
      const entry = { provider: target.instance, providerType: target.type, identity: canary.identity, createdByDrill: canary.createdByDrill, credentials: canary.credentials.map((c) => c.label) };
      record.canaries.push(entry);
      session.record('canary-created', entry);
    }),
  );
  const failed = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Before the revocation: every credential must work, or there is nothing to measure. */
async function checkCredentialsWork(credentials: Array<{ target: DrillTarget; credential: CanaryCredential }>, session: RecordedSession, options: DrillOptions, schedule: ProbeSchedule): Promise<void> {
  const deadlineAt = performance.now() + options.deadlineMs;
  const results = await Promise.all(
    credentials.map(async ({ target, credential }) => ({
      target,
      credential,
      loop: await probeUntil('allowed', () => target.provider.probe!(credential, session.stop.signal), { deadlineAt, stopped: session.stop.requestedSignal, schedule }),
    })),
  );
  for (const { target, credential, loop } of results) {
    if (loop.ended === 'wanted') session.record('credential-works', { provider: target.instance, credential: credential.name, probes: loop.probes });
  }
  const broken = results.filter((r) => r.loop.ended === 'deadline');
  if (broken.length > 0) {
    throw new Error(
      `the canary's credentials never worked, so the drill has nothing to measure: ${broken.map(({ target, credential, loop }) => `${target.instance}: ${credential.label}${loop.lastError ? ` (${loop.lastError})` : ' (denied)'}`).join('; ')}`,
    );
  }
}

/** Removes every canary the drill made (whatever the run did), records what went and what is left. */
async function cleanupCanaries(canaries: Map<string, Canary>, record: DrillRecord, session: RecordedSession, options: DrillOptions): Promise<void> {
  await Promise.all(
    [...canaries].map(async ([instance, canary]) => {
      const { removed, leftovers } = await canary.cleanup();
      record.cleanup.removed.push(...removed.map((what) => ({ provider: instance, what })));
      record.cleanup.leftovers.push(...leftovers.map((leftover) => ({ provider: instance, ...leftover })));
      session.record('canary-cleanup', { provider: instance, removed, leftovers });
      for (const leftover of leftovers) options.progress(`${instance}: cleanup could not remove ${leftover.what}; remove it with: ${leftover.command}`);
    }),
  );
}
