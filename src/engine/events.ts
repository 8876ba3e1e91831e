import type { Finding } from '../providers/types.js';
import type { PlannedStep } from '../runbook/resolve.js';

export type FindingOutcome = 'revoked' | 'already-gone' | 'skipped' | 'failed' | 'not-run';
export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'interrupted';
export type RunStatus = 'completed' | 'failed' | 'interrupted' | 'cancelled';

export type StepSummary = Pick<PlannedStep, 'id' | 'provider' | 'providerType' | 'user' | 'kinds' | 'mode' | 'dependsOn'>;

/**
 * Everything that happens in a run, in order. Renderers, the JSON result and the journal all
 * subscribe to this one stream, so what is shown, printed and recorded cannot disagree.
 * Events never carry secrets: providers put only ids and labels in findings.
 */
export type RunEventBody =
  | {
      type: 'run-started';
      runId: string;
      runbook: { name: string; file: string; sha256: string };
      user: string;
      dryRun: boolean;
      concurrency: number;
      steps: StepSummary[];
      warnings: string[];
      /** Set when this run continues an earlier, unfinished one (`--resume`). */
      resumedFrom?: { journal: string; sha256: string; runId: string };
    }
  | { type: 'provider-connected'; provider: string; providerType: string; actor: string }
  | { type: 'discovery-started'; stepId: string }
  | { type: 'finding-discovered'; stepId: string; finding: Finding }
  | { type: 'kind-skipped'; stepId: string; kind: string; reason: string }
  | { type: 'step-warning'; stepId: string; message: string }
  | { type: 'discovery-finished'; stepId: string; findings: number; durationMs: number }
  | { type: 'discovery-failed'; stepId: string; error: string; durationMs: number }
  | { type: 'plan-ready'; findings: number; warnings: string[] }
  | { type: 'confirmation'; approved: boolean; by: 'prompt' | 'flag' }
  | { type: 'step-started'; stepId: string }
  | { type: 'revoke-started'; stepId: string; findingId: string; kind: string }
  | {
      type: 'revoke-finished';
      stepId: string;
      findingId: string;
      kind: string;
      outcome: FindingOutcome;
      /** Why it was skipped or not run, or what the provider said it did. */
      detail?: string;
      error?: string;
      /** Retries the provider needed (throttling, 5xx, conflicts). */
      retries?: number;
      durationMs: number;
    }
  | { type: 'step-finished'; stepId: string; status: StepStatus; reason?: string; durationMs: number }
  | { type: 'stop-requested'; signal: string }
  | { type: 'run-finished'; status: RunStatus; exitCode: number }
  // Contain first (issue 18): a finding of `stepId` known without discovery, revoked first in a
  // confirmed run (its revoke-started/-finished may come before the step starts).
  | { type: 'containment-planned'; stepId: string; finding: Finding }
  /** Discovery of `fromStepId` found a finding `stepId` already has (containment): its label, details and warnings join that one. */
  | { type: 'finding-merged'; stepId: string; fromStepId: string; finding: Finding };

export type RunEvent = RunEventBody & { seq: number; ts: string };

export type RunEventListener = (event: RunEvent) => void;

/** Numbers and timestamps every event, then hands it to every listener in order. */
export class RunEventStream {
  private readonly listeners: RunEventListener[] = [];
  private seq = 0;

  subscribe(listener: RunEventListener): void {
    this.listeners.push(listener);
  }

  emit(body: RunEventBody): void {
    const event = { ...body, seq: ++this.seq, ts: new Date().toISOString() } as RunEvent;
    for (const listener of this.listeners) listener(event);
  }
}
