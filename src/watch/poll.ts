import type { Connection, WatchEvent } from '../providers/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { restoredKey } from './restores.js';
import { wasTaken, type WatchedRun } from './watched-run.js';

/** One use or attempted use, with the provider instance and identity it was seen on. */
export interface FoundEvent extends WatchEvent {
  provider: string;
  identity: string;
  /** The restore report after which this identity may be used again: the event does not count. */
  afterRestore?: string;
}

/** A provider instance watch could not look at, and why: the watch is then incomplete. */
export interface NotChecked {
  provider: string;
  reason: string;
}

/**
 * Asks every provider instance of the watched run for use since the revocation, once per call;
 * returns only events not seen before (for --follow) and keeps what could not be checked.
 */
export class WatchPoller {
  private readonly seen = new Map<string, FoundEvent>();
  readonly notChecked: NotChecked[] = [];

  constructor(
    private readonly watched: WatchedRun,
    private readonly registry: ProviderRegistry,
    private readonly connections: Map<string, Connection<unknown>>,
  ) {}

  /** Every event seen so far, oldest first. */
  get events(): FoundEvent[] {
    return [...this.seen.values()].sort((a, b) => a.time.localeCompare(b.time));
  }

  async poll(): Promise<FoundEvent[]> {
    const { plan, revokedSteps, since, until } = this.watched;
    const fresh: FoundEvent[] = [];
    for (const instance of plan.providers) {
      const provider = this.registry.get(instance.type)!;
      if (!provider.watch) {
        this.skip(instance.name, `provider type ${instance.type} cannot watch`);
        continue;
      }
      const steps = revokedSteps.filter((s) => s.provider === instance.name);
      for (const identity of [...new Set(steps.map((s) => s.user))]) {
        const identitySteps = steps.filter((s) => s.user === identity);
        // What a restore gave back is no longer asked about; use of the identity after that restore is allowed again.
        const restored = (f: { kind: string; id: string }, step: string) => this.watched.restores.some((r) => r.findings.has(restoredKey(step, f.kind, f.id)));
        const revoked = identitySteps.flatMap((s) => s.findings.filter((f) => wasTaken(f) && !restored(f, s.id)).map((f) => ({ kind: f.kind, id: f.id, ...(f.detail ? { detail: f.detail } : {}) })));
        const restoredBy = this.watched.restores.find((r) => identitySteps.some((s) => r.steps.has(s.id)));
        const result = await provider.watch(this.connections.get(instance.name)!.client, { user: identity, revoked, since, ...(until ? { until } : {}) });
        if (result.skipped) this.skip(instance.name, result.skipped);
        for (const event of result.events) {
          const key = `${instance.name}/${event.id}`;
          if (this.seen.has(key)) continue;
          const found: FoundEvent = { ...event, provider: instance.name, identity, ...(restoredBy && event.time >= restoredBy.finishedAt.toISOString() ? { afterRestore: restoredBy.report } : {}) };
          this.seen.set(key, found);
          fresh.push(found);
        }
      }
    }
    return fresh;
  }

  private skip(provider: string, reason: string): void {
    if (!this.notChecked.some((s) => s.provider === provider)) this.notChecked.push({ provider, reason });
  }
}
