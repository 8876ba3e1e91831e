/**
 * Counts the round trips a client makes to a sandbox. The sandbox delays every answer and sets an
 * exchange's status only as the answer leaves, so a request that arrives while no answer of the
 * current round has left cannot have waited for one: it is in that round. The first request
 * after one of those answers starts the next round. A busy machine can only split a round (a
 * request held up for longer than the latency), never merge two.
 */
export interface RoundTrips<E> {
  /** The requests in arrival order, grouped into round trips. */
  rounds(): E[][];
}

interface LatencySandbox<E extends { mutating: boolean; status: number }> {
  exchanges: E[];
  faults: { latencyMs: number };
}

/**
 * Delays every answer of `sandbox` by `latencyMs` and groups the requests into round trips as
 * they arrive, until `mutations` mutating requests have arrived: then the latency goes back to 0,
 * so the rest of the run (discovery, step order) costs the test nothing. Call before the run.
 */
export function countRoundTrips<E extends { mutating: boolean; status: number }>(sandbox: LatencySandbox<E>, latencyMs: number, mutations = 1): RoundTrips<E> {
  const rounds: E[][] = [];
  const push = sandbox.exchanges.push;
  let mutating = 0;
  sandbox.faults.latencyMs = latencyMs;
  sandbox.exchanges.push = function arrived(...items: E[]) {
    for (const exchange of items) {
      if (mutating >= mutations) continue;
      const current = rounds.at(-1);
      if (!current || current.some((earlier) => earlier.status !== 0)) rounds.push([exchange]);
      else current.push(exchange);
      if (exchange.mutating && ++mutating >= mutations) sandbox.faults.latencyMs = 0;
    }
    return push.apply(this, items);
  };
  return { rounds: () => rounds };
}
