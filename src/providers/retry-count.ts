import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The retries clients make on behalf of one finding's revoke, for the record: defineProvider
 * runs every revoke inside `countingRetries`, and a provider's retry code (an SDK's retry hook)
 * adds to it with `addRetries`. One store for every provider: on Node 20 each AsyncLocalStorage
 * in use adds work to every promise of the process (300,000 awaits: 21 ms with none, 64 ms with
 * one, 118 ms with five, the count this replaces); Node 24 has no such cost.
 */
const current = new AsyncLocalStorage<{ retries: number }>();

/** Runs `run` with `counter` as the count its clients' retries add to. */
export function countingRetries<T>(counter: { retries: number }, run: () => Promise<T>): Promise<T> {
  return current.run(counter, run);
}

/** Adds `n` retries to the revoke in progress (nothing outside one). */
export function addRetries(n = 1): void {
  const counter = current.getStore();
  if (counter && n > 0) counter.retries += n;
}
