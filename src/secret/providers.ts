import { errorMessage } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Connection, Provider } from '../providers/types.js';
import type { Runbook } from '../runbook/model.js';
import { resolveRun, type PlannedProvider } from '../runbook/resolve.js';
import { isProtected } from '../runbook/validate.js';

/** The provider types `revoke secret` connects to (the others have no leaked-secret path yet). */
const SECRET_PROVIDER_TYPES = new Set(['aws-iam', 'github', 'postgres']);

/** Stands in for {{user}} when provider settings are resolved without a person. */
const NO_USER = 'revoke-secret';

/**
 * The runbook's provider instances, connected on first use and once: a leaked AWS key needs the
 * aws-iam instances, a PostgreSQL URL the postgres ones; a file of GitHub tokens connects nothing.
 * A provider that cannot connect fails the secrets that need it, not the whole run.
 */
export class SecretProviders {
  readonly instances: PlannedProvider[];
  /** Who revoke ran as on each provider it connected to, for the record. */
  readonly actors: Array<{ provider: string; providerType: string; actor: string }> = [];
  private readonly connections = new Map<string, Promise<Connection<unknown>>>();

  constructor(
    readonly runbook: Runbook | undefined,
    readonly registry: ProviderRegistry,
    private readonly context: { env: NodeJS.ProcessEnv; signal: AbortSignal },
  ) {
    this.instances = runbook ? resolveInstances(runbook, registry) : [];
  }

  ofType(type: string): PlannedProvider[] {
    return this.instances.filter((i) => i.type === type);
  }

  provider(type: string): Provider {
    return this.registry.get(type)!;
  }

  connect(instance: PlannedProvider): Promise<Connection<unknown>> {
    let connection = this.connections.get(instance.name);
    if (!connection) {
      connection = this.provider(instance.type)
        .connect(instance.config, { instance: instance.name, env: this.context.env, signal: this.context.signal })
        .then(
          (connected) => {
            this.actors.push({ provider: instance.name, providerType: instance.type, actor: connected.actor });
            return connected;
          },
          (error: unknown) => {
            throw new Error(`cannot connect to provider ${instance.name} (${instance.type}): ${errorMessage(error)}`);
          },
        );
      // A failed connection is reported by each secret that needs it; never an unhandled rejection.
      connection.catch(() => undefined);
      this.connections.set(instance.name, connection);
    }
    return connection;
  }

  /** The runbook's protect list for an instance says hands off. */
  isProtected(instance: string, identity: string): boolean {
    return isProtected(identity, this.runbook?.protect[instance] ?? []);
  }

  async disconnect(): Promise<void> {
    await Promise.all(
      this.instances.map(async (instance) => {
        const connection = await this.connections.get(instance.name)?.catch(() => undefined);
        if (connection) await this.provider(instance.type).disconnect?.(connection.client);
      }),
    );
  }
}

/**
 * Each instance's settings with templates filled in and checked by its schema, through the same
 * resolution a run uses: one stand-in step per instance, for no particular person.
 */
function resolveInstances(runbook: Runbook, registry: ProviderRegistry): PlannedProvider[] {
  const names = Object.values(runbook.providers)
    .filter((instance) => SECRET_PROVIDER_TYPES.has(instance.type))
    .map((instance) => instance.name);
  if (names.length === 0) return [];
  const steps = names.map((name) => ({ id: `secret-${name}`, provider: name, user: NO_USER, kinds: [], revoke: [], mode: undefined, dependsOn: [], options: {} }));
  return resolveRun({ ...runbook, protect: {}, steps }, registry, { user: NO_USER }).providers;
}
