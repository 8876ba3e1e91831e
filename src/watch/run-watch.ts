import { setTimeout as sleep } from 'node:timers/promises';
import { connectProviders } from '../engine/connect.js';
import { RunEventStream } from '../engine/events.js';
import { disconnectAll } from '../engine/run.js';
import { ExitCode } from '../exit-codes.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RecordedSession } from '../session/recorded-command.js';
import { WatchPoller, type FoundEvent, type NotChecked } from './poll.js';
import type { WatchedRun } from './watched-run.js';

export interface WatchResult {
  events: FoundEvent[];
  notChecked: NotChecked[];
  /** False when a provider could not be checked: then the watch never says "quiet". */
  complete: boolean;
  interrupted: boolean;
  exitCode: number;
}

/**
 * Watches a revoked run: one poll, or with `follow` a poll every `intervalMs` until a stop is
 * requested. Every event goes to the journal before `onEvent` shows it.
 */
export async function runWatch(
  watched: WatchedRun,
  registry: ProviderRegistry,
  session: RecordedSession,
  options: { follow: boolean; intervalMs: number; env: NodeJS.ProcessEnv; onEvent?(event: FoundEvent): void },
): Promise<WatchResult> {
  const { record, stop } = session;
  record('watch-started', {
    runId: session.runId,
    watched: { report: watched.reportFile.path.split('/').pop(), sha256: watched.reportFile.sha256 },
    user: watched.predicate.user,
    since: watched.since.toISOString(),
    ...(watched.until ? { until: watched.until.toISOString() } : {}),
    ...(watched.restores.length ? { restores: watched.restores.map((r) => ({ report: r.report, finishedAt: r.finishedAt.toISOString(), steps: [...r.steps] })) } : {}),
  });
  const connections = await connectProviders(watched.plan, registry, new RunEventStream(), { env: options.env, signal: stop.signal });
  const poller = new WatchPoller(watched, registry, connections);
  const pollOnce = async () => {
    for (const event of await poller.poll()) {
      record('event', { ...event });
      options.onEvent?.(event);
    }
  };
  try {
    await pollOnce();
    while (options.follow && !stop.requested) {
      // Ends early on the first Ctrl-C: the stop request aborts the wait.
      await sleep(options.intervalMs, undefined, { signal: stop.requestedSignal }).catch(() => undefined);
      if (stop.requested) break;
      await pollOnce();
    }
  } catch (error) {
    record('watch-finished', { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    await disconnectAll(watched.plan, registry, connections);
  }
  const events = poller.events;
  const complete = poller.notChecked.length === 0;
  const interrupted = stop.requested;
  // Use seen outranks an incomplete look; an incomplete look never passes for quiet.
  // Use after a restore gave the identity back is expected: listed, not counted.
  const counted = events.filter((e) => !e.afterRestore);
  const exitCode = interrupted ? ExitCode.Interrupted : counted.length > 0 ? ExitCode.AccessFound : !complete ? ExitCode.Incomplete : ExitCode.Success;
  record('watch-finished', { status: interrupted ? 'interrupted' : 'completed', events: events.length, complete, exitCode });
  return { events, notChecked: poller.notChecked, complete, interrupted, exitCode };
}
