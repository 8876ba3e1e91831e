import { AsyncLocalStorage } from 'node:async_hooks';

/** Counts SDK retries made on behalf of one finding's revoke, for the record. */
export const retryCount = new AsyncLocalStorage<{ retries: number }>();

/** Adds the retries an SDK call needed (its $metadata.attempts - 1) to the current count. */
export function countAttempts(metadata: { attempts?: number } | undefined): void {
  const store = retryCount.getStore();
  if (store && metadata?.attempts && metadata.attempts > 1) store.retries += metadata.attempts - 1;
}
