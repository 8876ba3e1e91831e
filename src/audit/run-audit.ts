import { InvalidInputError, errorMessage } from '../errors.js';
import { connectProviders } from '../engine/connect.js';
import { RunEventStream } from '../engine/events.js';
import { runBounded } from '../engine/graph-runner.js';
import { disconnectAll } from '../engine/run.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection, Finding } from '../providers/types.js';
import type { Runbook } from '../runbook/model.js';
import { resolveRun, type RunPlan } from '../runbook/resolve.js';
import type { AuditUser } from './users-file.js';

export interface AuditStepResult {
  step: string;
  provider: string;
  providerType: string;
  /** The person's identity on this provider (after templates). */
  identity: string;
  findings: Finding[];
  skipped: Array<{ kind: string; reason: string }>;
  error?: string;
}

export interface AuditUserResult {
  user: string;
  line: number;
  steps: AuditStepResult[];
  hasAccess: boolean;
  failed: boolean;
}

export interface AuditOutcome {
  results: AuditUserResult[];
  actors: Array<{ provider: string; providerType: string; actor: string }>;
  /** Provider instances whose discovery failed for some user, with the first error. */
  failedProviders: Array<{ provider: string; error: string }>;
}

export interface AuditOptions {
  concurrency: number;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  isStopped: () => boolean;
  onUser?: (result: AuditUserResult, done: number) => void;
}

/**
 * A dry run for many people at once. Providers connect once; each step's provider says, with a
 * few list calls (`presence`), who could have anything; only those people are discovered one by
 * one, so the cost grows with the providers' list pages, not with the number of people.
 */
export async function runAudit(runbook: Runbook, registry: ProviderRegistry, users: AuditUser[], options: AuditOptions): Promise<AuditOutcome> {
  const plans = planAll(runbook, registry, users);
  const first = plans[0]!.plan;
  const events = new RunEventStream();
  const actors: AuditOutcome['actors'] = [];
  events.subscribe((event) => {
    if (event.type === 'provider-connected') actors.push({ provider: event.provider, providerType: event.providerType, actor: event.actor });
  });
  const connections = await connectProviders(first, registry, events, { env: options.env, signal: options.signal });
  try {
    return await auditWith(plans, first, registry, connections, options, actors);
  } finally {
    await disconnectAll(first, registry, connections);
  }
}

async function auditWith(
  plans: Array<{ user: AuditUser; plan: RunPlan }>,
  first: RunPlan,
  registry: ProviderRegistry,
  connections: Map<string, Connection<unknown>>,
  options: AuditOptions,
  actors: AuditOutcome['actors'],
): Promise<AuditOutcome> {

  // One presence look-up per provider instance, for every kind any step asks of it.
  const kindsOf = new Map<string, Set<string>>();
  for (const step of first.steps) kindsOf.set(step.provider, new Set([...(kindsOf.get(step.provider) ?? []), ...step.kinds]));
  const presence = new Map<string, Promise<((user: string) => boolean) | undefined>>();
  const presenceOf = (step: RunPlan['steps'][number], connection: Connection<unknown>) => {
    const provider = registry.get(step.providerType)!;
    if (!provider.presence) return Promise.resolve(undefined);
    let cached = presence.get(step.provider);
    if (!cached) {
      cached = provider.presence(connection.client, { kinds: [...kindsOf.get(step.provider)!], options: {}, signal: options.signal });
      presence.set(step.provider, cached);
    }
    return cached;
  };

  const results: AuditUserResult[] = new Array(plans.length);
  const failedProviders = new Map<string, string>();
  let done = 0;
  await runBounded(plans.map((p, index) => ({ ...p, index })), options.concurrency, async ({ user, plan, index }) => {
    if (options.isStopped()) return;
    // Discover once, as a run does: one person's steps on one provider share a read cache, which
    // goes with the person (an audit of thousands keeps no one's answers after they are done).
    const readers = new Map<string, unknown>();
    const readerOf = (step: RunPlan['steps'][number], client: unknown) => {
      if (!readers.has(step.provider)) readers.set(step.provider, registry.get(step.providerType)!.withReadCache?.(client) ?? client);
      return readers.get(step.provider);
    };
    const steps = await Promise.all(
      plan.steps.map(async (step): Promise<AuditStepResult> => {
        const base = { step: step.id, provider: step.provider, providerType: step.providerType, identity: step.user, findings: [], skipped: [] };
        const connection = connections.get(step.provider)!;
        try {
          const present = await presenceOf(step, connection);
          if (present && !present(step.user)) return base;
          const discovered = await registry.get(step.providerType)!.discover(readerOf(step, connection.client), { user: step.user, kinds: step.kinds, mode: step.mode, options: step.options, signal: options.signal });
          const { findings, skipped = [] } = Array.isArray(discovered) ? { findings: discovered } : discovered;
          return { ...base, findings, skipped };
        } catch (error) {
          const message = errorMessage(error);
          if (!failedProviders.has(step.provider)) failedProviders.set(step.provider, message);
          return { ...base, error: message };
        }
      }),
    );
    const result: AuditUserResult = { user: user.user, line: user.line, steps, hasAccess: steps.some((s) => s.findings.length > 0), failed: steps.some((s) => s.error !== undefined) };
    results[index] = result;
    options.onUser?.(result, ++done);
  });
  return { results: results.filter(Boolean), actors, failedProviders: [...failedProviders].map(([provider, error]) => ({ provider, error })) };
}

/** Resolves every user's plan before anything is called: bad input stops the audit with line numbers. */
function planAll(runbook: Runbook, registry: ProviderRegistry, users: AuditUser[]): Array<{ user: AuditUser; plan: RunPlan }> {
  const problems: string[] = [];
  const plans: Array<{ user: AuditUser; plan: RunPlan }> = [];
  for (const user of users) {
    try {
      plans.push({ user, plan: resolveRun(runbook, registry, { user: user.user, sets: Object.entries(user.vars).map(([k, v]) => `${k}=${v}`) }) });
    } catch (error) {
      problems.push(`line ${user.line} (${user.user}): ${errorMessage(error)}`);
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems.slice(0, 20).join('\n') + (problems.length > 20 ? `\n… and ${problems.length - 20} more` : ''), 'fix the users file (or the runbook); nothing was audited');
  if (plans.length === 0) throw new InvalidInputError('no users to audit (after --shard)', 'check --users and --shard');
  const configs = JSON.stringify(plans[0]!.plan.providers);
  const differing = plans.find((p) => JSON.stringify(p.plan.providers) !== configs);
  if (differing) {
    throw new InvalidInputError(
      `provider settings differ between users (line ${differing.user.line}): an audit connects to each provider once`,
      'do not use per-user variables in providers: (only in steps)',
    );
  }
  return plans;
}
