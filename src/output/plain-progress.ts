import type { ChalkInstance } from 'chalk';
import type { RunEvent } from '../engine/events.js';

/** Progress without a terminal: one timestamped line per thing that happened. */
export function plainProgress(write: (line: string) => void, style: ChalkInstance): (event: RunEvent) => void {
  return (event) => {
    const line = describe(event, style);
    if (line !== undefined) write(`${style.dim(event.ts)} ${line}`);
  };
}

function describe(event: RunEvent, style: ChalkInstance): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `run ${event.runId}: ${event.dryRun ? 'dry run' : 'revoking'} ${event.user} with runbook ${event.runbook.name} (${event.steps.length} steps)`;
    case 'provider-connected':
      return `connected ${event.provider} (${event.providerType}) as ${event.actor}`;
    case 'discovery-finished':
      return `discovered ${event.stepId}: ${event.findings} found (${event.durationMs} ms)`;
    case 'kind-skipped':
      return style.yellow(`skipped ${event.stepId} ${event.kind}: ${event.reason}`);
    case 'discovery-failed':
      return style.red(`discovery failed ${event.stepId}: ${event.error}`);
    case 'confirmation':
      return `confirmed by ${event.by === 'flag' ? '--yes' : 'prompt'}: ${event.approved ? 'yes' : 'no'}`;
    case 'step-started':
      return `step ${event.stepId} started`;
    case 'revoke-finished':
      if (event.outcome === 'failed') return style.red(`failed ${event.stepId} ${event.kind} ${event.findingId}: ${event.error ?? ''}`);
      return `${event.outcome} ${event.stepId} ${event.kind} ${event.findingId}${event.detail ? `: ${event.detail}` : ''} (${event.durationMs} ms)`;
    case 'step-finished':
      return `step ${event.stepId} ${event.status}${event.reason ? `: ${event.reason}` : ''} (${event.durationMs} ms)`;
    case 'stop-requested':
      return style.yellow(`${event.signal}: stopping; in-flight calls may finish, nothing new starts`);
    case 'run-finished':
      return `run finished: ${event.status} (exit ${event.exitCode})`;
    default:
      return undefined;
  }
}
