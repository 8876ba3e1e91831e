/**
 * A token bucket: bursts up to `capacity` requests, then `perSecond` on average, first come first
 * served. aws-iam keeps one per provider instance (an AWS account) for every call and retry;
 * github and google-workspace one per organization or domain for writes (see writeBucket).
 *
 * Written here rather than on Bottleneck's reservoir (which it replaced): a Bottleneck `schedule`
 * waits ~5 ms of timers even when a token is free, and every AWS request took one, so each
 * round trip to AWS was 5 ms longer. Here a free token is taken at once, with no timer.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly capacity = Math.max(1, Math.ceil(perSecond)),
  ) {
    this.tokens = capacity;
  }

  take(): Promise<void> {
    this.refill();
    if (this.waiting.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.wake();
    });
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) * this.perSecond) / 1000);
    this.refilledAt = now;
  }

  /** One timer while anyone waits, for when the next token is due. It is ref'd: a request waiting for a token is work in progress and keeps the process alive. */
  private wake(): void {
    if (this.timer) return;
    const due = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiting.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.waiting.shift()!();
      }
      if (this.waiting.length > 0) this.wake();
    }, due);
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
