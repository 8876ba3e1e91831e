/**
 * Ctrl-C / SIGTERM handling for the engine: a stop request ends scheduling at once; in-flight
 * provider calls get `graceMs` to finish before their AbortSignal fires.
 */
export class StopController {
  private readonly abort = new AbortController();
  private readonly stopRequest = new AbortController();
  private requestedBy: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly graceMs = 10_000) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Fires as soon as a stop is requested (the first Ctrl-C): for waits that should end at once. */
  get requestedSignal(): AbortSignal {
    return this.stopRequest.signal;
  }

  get requested(): boolean {
    return this.requestedBy !== undefined;
  }

  get reason(): string | undefined {
    return this.requestedBy;
  }

  /** Returns false when a stop was already requested (a second Ctrl-C). */
  request(reason: string): boolean {
    if (this.requestedBy !== undefined) return false;
    this.requestedBy = reason;
    this.stopRequest.abort(new Error(`stop requested by ${reason}`));
    this.timer = setTimeout(() => this.abort.abort(new Error(`interrupted by ${reason}`)), this.graceMs);
    this.timer.unref();
    return true;
  }

  abortNow(): void {
    this.abort.abort(new Error(`interrupted by ${this.requestedBy ?? 'request'}`));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
