import type { Finding } from '../providers/types.js';
import type { FindingOutcome, RunEvent, RunStatus, StepStatus, StepSummary } from './events.js';

export interface FindingRecord extends Finding {
  /** `planned` until the revoke phase decides; stays `planned` in a dry run. */
  outcome: FindingOutcome | 'planned';
  detail?: string;
  error?: string;
  retries?: number;
  durationMs?: number;
  /** Known without discovery and revoked first in a confirmed run (contain first). */
  containment?: true;
}

export interface StepRecord extends StepSummary {
  status: StepStatus | 'planned' | 'discovery-failed' | 'pending';
  reason?: string;
  error?: string;
  discoveryMs?: number;
  durationMs?: number;
  findings: FindingRecord[];
  /** Kinds the provider could not look at, and why (e.g. no SAML SSO on the org). */
  skippedKinds: Array<{ kind: string; reason: string }>;
}

export interface Totals {
  steps: number;
  findings: number;
  planned: number;
  revoked: number;
  alreadyGone: number;
  skipped: number;
  failed: number;
  notRun: number;
  /** Retries providers needed over the whole run. */
  retries: number;
  stepsFailed: number;
  stepsSkipped: number;
}

/** What happened in a run, folded from its events: the JSON result and, later, the report body. */
export interface RunRecord {
  runId: string;
  runbook: { name: string; file: string; sha256: string };
  user: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus | 'running';
  exitCode?: number;
  actors: Array<{ provider: string; providerType: string; actor: string }>;
  warnings: string[];
  steps: StepRecord[];
  totals: Totals;
}

/** Folds the event stream into a RunRecord. Subscribe it before the run starts. */
export class RunRecorder {
  private current: RunRecord | undefined;

  readonly listener = (event: RunEvent): void => this.apply(event);

  get record(): RunRecord {
    if (!this.current) throw new Error('run has not started');
    return { ...this.current, totals: totalsOf(this.current.steps) };
  }

  get started(): boolean {
    return this.current !== undefined;
  }

  private step(id: string): StepRecord {
    return this.current!.steps.find((s) => s.id === id)!;
  }

  private apply(event: RunEvent): void {
    if (event.type === 'run-started') {
      this.current = {
        runId: event.runId,
        runbook: event.runbook,
        user: event.user,
        dryRun: event.dryRun,
        startedAt: event.ts,
        status: 'running',
        actors: [],
        warnings: [...event.warnings],
        steps: event.steps.map((s) => ({ ...s, status: 'pending', findings: [], skippedKinds: [] })),
        totals: totalsOf([]),
      };
      return;
    }
    const run = this.current;
    if (!run) return;
    switch (event.type) {
      case 'provider-connected':
        run.actors.push({ provider: event.provider, providerType: event.providerType, actor: event.actor });
        break;
      case 'finding-discovered': {
        this.step(event.stepId).findings.push({ ...event.finding, outcome: 'planned' });
        for (const warning of event.finding.warnings ?? []) run.warnings.push(`${event.stepId}: ${warning}`);
        break;
      }
      case 'containment-planned':
        this.step(event.stepId).findings.push({ ...event.finding, outcome: 'planned', containment: true });
        for (const warning of event.finding.warnings ?? []) run.warnings.push(`${event.stepId}: ${warning}`);
        break;
      case 'finding-merged': {
        const finding = this.step(event.stepId).findings.find((f) => f.id === event.finding.id && f.kind === event.finding.kind);
        if (!finding) break;
        finding.label = event.finding.label;
        if (event.finding.details) finding.details = { ...finding.details, ...event.finding.details };
        const added = (event.finding.warnings ?? []).filter((w) => !(finding.warnings ?? []).includes(w));
        if (added.length > 0) finding.warnings = [...(finding.warnings ?? []), ...added];
        for (const warning of added) run.warnings.push(`${event.stepId}: ${warning}`);
        break;
      }
      case 'step-warning':
        run.warnings.push(`${event.stepId}: ${event.message}`);
        break;
      case 'kind-skipped':
        this.step(event.stepId).skippedKinds.push({ kind: event.kind, reason: event.reason });
        break;
      case 'discovery-finished': {
        const step = this.step(event.stepId);
        step.status = 'planned';
        step.discoveryMs = event.durationMs;
        break;
      }
      case 'discovery-failed': {
        const step = this.step(event.stepId);
        step.status = 'discovery-failed';
        step.error = event.error;
        step.discoveryMs = event.durationMs;
        break;
      }
      case 'revoke-finished': {
        const finding = this.step(event.stepId).findings.find((f) => f.id === event.findingId && f.kind === event.kind);
        if (!finding) break;
        finding.outcome = event.outcome;
        finding.durationMs = event.durationMs;
        if (event.detail !== undefined) finding.detail = event.detail;
        if (event.error !== undefined) finding.error = event.error;
        if (event.retries !== undefined) finding.retries = event.retries;
        break;
      }
      case 'step-finished': {
        const step = this.step(event.stepId);
        step.status = event.status;
        step.durationMs = event.durationMs;
        if (event.reason !== undefined) step.reason = event.reason;
        break;
      }
      case 'run-finished':
        run.status = event.status;
        run.exitCode = event.exitCode;
        run.finishedAt = event.ts;
        break;
      default:
        break;
    }
  }
}

function totalsOf(steps: StepRecord[]): Totals {
  const findings = steps.flatMap((s) => s.findings);
  const count = (outcome: FindingRecord['outcome']) => findings.filter((f) => f.outcome === outcome).length;
  return {
    steps: steps.length,
    findings: findings.length,
    planned: count('planned'),
    revoked: count('revoked'),
    alreadyGone: count('already-gone'),
    skipped: count('skipped'),
    failed: count('failed'),
    notRun: count('not-run'),
    retries: findings.reduce((n, f) => n + (f.retries ?? 0), 0),
    stepsFailed: steps.filter((s) => s.status === 'failed' || s.status === 'discovery-failed').length,
    stepsSkipped: steps.filter((s) => s.status === 'skipped').length,
  };
}
