import type { RevokeError } from '../errors.js';
import type { DiscoveryResult } from './discover.js';

/**
 * Every refusal before any change (issue 18). In a run confirmed up front a step's removals need
 * not wait for every step's discovery, only for its own and for the last check that could still
 * refuse the run: each step's discovery says when its guards passed (or it ended), containment
 * planning when its guards did. The gate opens once all have, and never if one refused first.
 */
export class RefusalGate {
  private readonly waitingFor: Set<string>;
  private readonly results = new Map<string, { promise: Promise<DiscoveryResult>; resolve: (result: DiscoveryResult) => void }>();
  private isOpen = false;
  private refusal: RevokeError | undefined;
  private resolveOpen!: () => void;
  private rejectOpen!: (error: RevokeError) => void;
  /** Resolves when no step can refuse any more; rejects with the first refusal. */
  readonly open: Promise<void>;

  /** `checks`: every step id, plus any other check that may refuse (containment planning). */
  constructor(checks: string[]) {
    this.waitingFor = new Set(checks);
    this.open = new Promise<void>((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
    });
    this.open.catch(() => undefined);
    this.openIfDone();
  }

  /** `check` can no longer refuse. */
  passed(check: string): void {
    this.waitingFor.delete(check);
    this.openIfDone();
  }

  /**
   * `check` refused. Before the gate opened the refusal stops the run (true). After, removals
   * elsewhere may have begun: it is only its step's failure (false), never claimed as "nothing
   * changed". Providers say when their guards passed only once nothing of theirs can refuse, so
   * this is a broken provider, not a path a run takes.
   */
  refused(error: RevokeError): boolean {
    if (this.isOpen) return false;
    this.refusal ??= error;
    this.rejectOpen(this.refusal);
    return true;
  }

  /** A step's discovery result as soon as it is known: a refusal in it reaches the gate; its end means it can refuse no more. */
  settle(stepId: string, result: DiscoveryResult): DiscoveryResult {
    let settled = result;
    if (!result.ok && result.refusal && !this.refused(result.refusal)) settled = { ok: false, error: result.error };
    this.passed(stepId);
    this.resultOf(stepId).resolve(settled);
    return settled;
  }

  /** Resolves with the step's discovery result once it is known. */
  discovered(stepId: string): Promise<DiscoveryResult> {
    return this.resultOf(stepId).promise;
  }

  private resultOf(stepId: string) {
    let entry = this.results.get(stepId);
    if (!entry) {
      let resolve!: (result: DiscoveryResult) => void;
      const promise = new Promise<DiscoveryResult>((done) => (resolve = done));
      entry = { promise, resolve };
      this.results.set(stepId, entry);
    }
    return entry;
  }

  private openIfDone(): void {
    if (this.isOpen || this.refusal || this.waitingFor.size > 0) return;
    this.isOpen = true;
    this.resolveOpen();
  }
}
