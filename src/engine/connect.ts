import { errorMessage, InvalidInputError, RevokeError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection } from '../providers/types.js';
import type { RunPlan } from '../runbook/resolve.js';
import type { RunEventStream } from './events.js';

/**
 * Connects every provider instance the plan uses, at once. A provider that cannot connect
 * (missing credential, bad endpoint) stops the run before anything is discovered or changed.
 */
export async function connectProviders(
  plan: RunPlan,
  registry: ProviderRegistry,
  events: RunEventStream,
  /** `prefetch`: a run: each instance is told its steps' users (ConnectContext.users). */
  context: { env: NodeJS.ProcessEnv; signal: AbortSignal; prefetch?: boolean },
  hooks: {
    /** Called as each instance connects, before the others have (contain first starts there). */
    onConnected?: (instance: string, connection: Connection<unknown>) => void;
    /** As soon as one instance fails to connect (the run will stop: nothing new should start). */
    onFailed?: () => void;
    /** When one failed: awaited before what did connect is closed (containment in flight finishes first). */
    beforeClosing?: () => Promise<void>;
  } = {},
): Promise<Map<string, Connection<unknown>>> {
  const connections = new Map<string, Connection<unknown>>();
  const attempts = await Promise.allSettled(
    plan.providers.map(async (instance) => {
      const provider = registry.get(instance.type)!;
      let connection: Connection<unknown>;
      try {
        const steps = plan.steps.filter((step) => step.provider === instance.name);
        const users = context.prefetch ? [...new Set(steps.map((step) => step.user))] : [];
        const kinds = [...new Set(steps.flatMap((step) => step.kinds))];
        connection = await provider.connect(instance.config, { instance: instance.name, env: context.env, signal: context.signal, ...(users.length > 0 ? { users, kinds } : {}) });
      } catch (error) {
        hooks.onFailed?.();
        if (error instanceof RevokeError) throw error;
        throw new InvalidInputError(
          `cannot connect to provider ${instance.name} (${instance.type}): ${errorMessage(error)}`,
          `check the credentials and settings of providers.${instance.name}; nothing was changed`,
        );
      }
      connections.set(instance.name, connection);
      events.emit({ type: 'provider-connected', provider: instance.name, providerType: instance.type, actor: connection.actor });
      hooks.onConnected?.(instance.name, connection);
    }),
  );
  const failed = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failed) {
    await hooks.beforeClosing?.();
    // Close what did connect (an open database connection would keep the process alive).
    await Promise.all(plan.providers.map(async (i) => connections.has(i.name) && registry.get(i.type)?.disconnect?.(connections.get(i.name)!.client)));
    throw failed.reason;
  }
  return connections;
}

/** The self-lockout guard: never revoke the identity the CLI itself runs as. */
export function refuseSelfRevocation(plan: RunPlan, connections: Map<string, Connection<unknown>>): void {
  for (const step of plan.steps) {
    const self = connections.get(step.provider)?.selfUser;
    if (self !== undefined && self.toLowerCase() === step.user.toLowerCase()) {
      throw new InvalidInputError(
        `step ${step.id} would revoke "${step.user}", the identity revoke itself is running as on ${step.provider}; nothing was changed`,
        `run revoke with another identity's credentials (e.g. a dedicated offboarding role), not ${step.user}'s`,
      );
    }
  }
}
