import { AsyncLocalStorage } from 'node:async_hooks';

/** Counts the retries GitHubRequestPolicy makes on behalf of one finding's revoke, for the record (see countRetries). */
export const retryCount = new AsyncLocalStorage<{ retries: number }>();
