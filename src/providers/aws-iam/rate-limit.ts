/**
 * A token bucket: bursts up to `capacity` requests, then `perSecond` on average. One per provider
 * instance (an AWS account), shared by every call and retry to it.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly capacity = Math.max(1, Math.ceil(perSecond)),
  ) {
    this.tokens = this.capacity;
  }

  take(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  private drain(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length > 0 && !this.timer) {
      const wait = Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
      // Not unref'd: a request waiting for a token is work in progress and must keep the process alive.
    }
  }
}
