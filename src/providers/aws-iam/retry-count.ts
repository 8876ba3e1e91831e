import { addRetries } from '../retry-count.js';

/** Adds the retries an SDK call needed (its $metadata.attempts - 1) to the revoke in progress. */
export function countAttempts(metadata: { attempts?: number } | undefined): void {
  if (metadata?.attempts && metadata.attempts > 1) addRetries(metadata.attempts - 1);
}
