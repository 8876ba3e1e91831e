import { seededRandom } from './random.js';

/**
 * Network jitter for a sandbox: each request waits a random 0 to `jitterMs` before it is
 * processed, as a request's trip varies on a real network, so requests sent close together may
 * be processed in either order (the answer's `latencyMs` still follows). At 0, the default,
 * nothing waits and requests are processed in the order they arrive. Seeded: the delays repeat.
 */
export function jitterOnArrival(seed: number): (faults: { jitterMs: number }) => Promise<void> | undefined {
  const random = seededRandom(seed);
  return ({ jitterMs }) => (jitterMs > 0 ? new Promise((resolve) => setTimeout(resolve, random() * jitterMs)) : undefined);
}
