import Bottleneck from 'bottleneck';

/**
 * A token bucket on Bottleneck's reservoir: bursts up to `capacity` requests, then `perSecond` on
 * average. aws-iam keeps one per provider instance (an AWS account) for every call and retry;
 * github and google-workspace one per organization or domain for writes (see writeBucket).
 */
export class TokenBucket {
  private readonly limiter: Bottleneck;

  constructor(perSecond: number, capacity = Math.max(1, Math.ceil(perSecond))) {
    const interval = Math.max(1, Math.round(1000 / perSecond));
    this.limiter = new Bottleneck({
      reservoir: capacity,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: interval,
      reservoirIncreaseMaximum: capacity,
      // The reservoir is topped up on Bottleneck's heartbeat; beat as often as a token arrives.
      heartbeatInterval: Math.min(250, interval),
    });
  }

  async take(): Promise<void> {
    // Bottleneck's heartbeat timer is unref'd; a request waiting for a token is work in progress
    // and must keep the process alive, so hold a ref'd timer while waiting.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await this.limiter.schedule(async () => undefined);
    } finally {
      clearInterval(keepAlive);
    }
  }
}

/**
 * The write pace of a provider that is asked to pause between writes: `burst` writes may go out at
 * once, then one per `intervalMs` (a token bucket), so a containment of a few writes is not held
 * up by the pause while a run of many writes still keeps it. `intervalMs` 0: no pacing at all.
 */
export function writeBucket(intervalMs: number, burst: number): { take(): Promise<void> } {
  if (intervalMs === 0) return { take: () => Promise.resolve() };
  return new TokenBucket(1000 / intervalMs, burst);
}
