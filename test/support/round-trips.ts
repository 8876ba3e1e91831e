/**
 * Counts the round trips a client makes to a sandbox, from the requests' arrival times: every
 * answer is delayed by `latencyMs`, so a request that needed an earlier answer arrives at least
 * `latencyMs` after the first request of that earlier round, while requests sent together arrive
 * within a few milliseconds of each other. A round is every request that arrives less than half
 * the latency after the round's first one (the other half is slack for a busy machine).
 */
export interface RoundTrips<E> {
  /** The requests in arrival order, grouped into round trips. */
  rounds(): E[][];
}

interface LatencySandbox<E extends { mutating: boolean }> {
  exchanges: E[];
  faults: { latencyMs: number };
}

/**
 * Delays every answer of `sandbox` by `latencyMs` and stamps each request's arrival, until
 * `mutations` mutating requests have arrived: then the latency goes back to 0, so the rest of the
 * run (discovery, step order) costs the test nothing. Call before the run.
 */
export function countRoundTrips<E extends { mutating: boolean }>(sandbox: LatencySandbox<E>, latencyMs: number, mutations = 1): RoundTrips<E> {
  const arrived: Array<{ exchange: E; at: number }> = [];
  const push = sandbox.exchanges.push;
  let mutating = 0;
  sandbox.faults.latencyMs = latencyMs;
  sandbox.exchanges.push = function stamped(...items: E[]) {
    for (const exchange of items) {
      if (mutating >= mutations) continue;
      arrived.push({ exchange, at: performance.now() });
      if (exchange.mutating && ++mutating >= mutations) sandbox.faults.latencyMs = 0;
    }
    return push.apply(this, items);
  };
  return {
    rounds() {
      const rounds: E[][] = [];
      let start = -Infinity;
      for (const { exchange, at } of arrived) {
        if (at - start >= latencyMs / 2) {
          rounds.push([]);
          start = at;
        }
        rounds[rounds.length - 1]!.push(exchange);
      }
      return rounds;
    },
  };
}
