import type { ProbeAnswer } from '../providers/drill-hooks.js';

/** How often a credential is probed: quickly at first, then backing off (×1.5) up to `maxMs`. */
export interface ProbeSchedule {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_PROBE_SCHEDULE: ProbeSchedule = { firstMs: 100, maxMs: 5_000 };

export interface ProbeLoopResult {
  /** `wanted` when the probe gave it; `deadline` when time ran out first; `stopped` on Ctrl-C. */
  ended: 'wanted' | 'deadline' | 'stopped';
  /** When the probe that gave the wanted answer was sent (performance.now()). */
  sentAt?: number;
  /** When the last probe with the other answer came back (performance.now()): the lower bound. */
  lastOtherAt?: number;
  probes: number;
  /** The last probe failure (a probe that could not tell), if the loop never got an answer after it. */
  lastError?: string;
}

/**
 * Probes until the answer is `wanted` (a canary's credential works; later: it is denied), with
 * backoff, until `deadlineAt` (performance.now() time) or a stop request. A probe that throws
 * could not tell: it is retried like any other.
 */
export async function probeUntil(wanted: ProbeAnswer, probe: () => Promise<ProbeAnswer>, options: { deadlineAt: number; stopped: AbortSignal; schedule: ProbeSchedule }): Promise<ProbeLoopResult> {
  const result: ProbeLoopResult = { ended: 'deadline', probes: 0 };
  for (let wait = options.schedule.firstMs; ; wait = Math.min(wait * 1.5, options.schedule.maxMs)) {
    if (options.stopped.aborted) return { ...result, ended: 'stopped' };
    const sentAt = performance.now();
    result.probes++;
    try {
      const answer = await probe();
      delete result.lastError;
      if (answer === wanted) return { ...result, ended: 'wanted', sentAt };
      result.lastOtherAt = performance.now();
    } catch (error) {
      result.lastError = (error as Error).message;
    }
    const left = options.deadlineAt - performance.now();
    if (left <= 0) return result;
    await sleep(Math.min(wait, left), options.stopped);
  }
}

function sleep(ms: number, stopped: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopped.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stopped.addEventListener('abort', done, { once: true });
  });
}
