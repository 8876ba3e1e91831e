/**
 * Ctrl-C / SIGTERM handling for the engine: a stop request ends scheduling at once; in-flight
 * provider calls get `graceMs` to finish before their AbortSignal fires.
 */
export class StopController {
  private readonly abort = new AbortController();
  private requestedBy: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly graceMs = 10_000) {}

  get signal(): AbortSignal {
    return this.abort.signal;
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
