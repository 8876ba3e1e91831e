import { Listr, ProcessOutput, type ListrTask } from 'listr2';
import type { RunEvent, StepSummary } from '../engine/events.js';
import type { Finding } from '../providers/types.js';

type Settle = { ok: true; title?: string } | { ok: false; message: string } | { skip: string };

/** A promise the event stream resolves later. */
class Waiter {
  readonly promise: Promise<Settle>;
  resolve!: (value: Settle) => void;
  constructor() {
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }
}

/**
 * Live progress on a terminal: one line per step, findings as subtasks. Driven by the engine's
 * events; two task lists, one for discovery and one for revocation, so the plan and the
 * confirmation prompt can be printed between them.
 */
export class ListrProgress {
  private steps: StepSummary[] = [];
  private readonly findings = new Map<string, Finding[]>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly lists: Promise<unknown>[] = [];
  private revokeStarted = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  readonly listener = (event: RunEvent): void => {
    switch (event.type) {
      case 'run-started':
        this.steps = event.steps;
        this.startDiscoveryList();
        break;
      case 'finding-discovered':
        this.findings.set(event.stepId, [...(this.findings.get(event.stepId) ?? []), event.finding]);
        break;
      case 'discovery-finished':
        this.settle(`discover:${event.stepId}`, { ok: true, title: `${event.stepId}: ${plural(event.findings, 'item')} found` });
        break;
      case 'discovery-failed':
        this.settle(`discover:${event.stepId}`, { ok: false, message: `${event.stepId}: ${event.error}` });
        break;
      case 'step-started':
        if (!this.revokeStarted) this.startRevokeList();
        this.settle(`start:${event.stepId}`, { ok: true });
        break;
      case 'revoke-finished': {
        const key = `finding:${event.stepId}:${event.kind}:${event.findingId}`;
        if (event.outcome === 'failed') this.settle(key, { ok: false, message: event.error ?? 'failed' });
        else if (event.outcome === 'revoked') this.settle(key, { ok: true });
        else this.settle(key, { skip: event.outcome === 'already-gone' ? 'already gone' : (event.detail ?? event.outcome) });
        break;
      }
      case 'step-finished': {
        if (!this.revokeStarted) this.startRevokeList();
        const result: Settle =
          event.status === 'succeeded' ? { ok: true } : event.status === 'failed' ? { ok: false, message: event.reason ?? 'failed' } : { skip: event.reason ?? event.status };
        // A skipped step never started: its start waiter resolves with the skip (a no-op if it started).
        this.settle(`start:${event.stepId}`, 'skip' in result ? result : { ok: true });
        this.settle(`step:${event.stepId}`, result);
        break;
      }
      case 'run-finished':
        for (const waiter of this.waiters.values()) waiter.resolve({ skip: 'not run' });
        break;
      default:
        break;
    }
  };

  /** Resolves once every list drawn so far has finished drawing. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.lists);
  }

  private waiter(key: string): Waiter {
    let waiter = this.waiters.get(key);
    if (!waiter) {
      waiter = new Waiter();
      this.waiters.set(key, waiter);
    }
    return waiter;
  }

  private settle(key: string, value: Settle): void {
    this.waiter(key).resolve(value);
  }

  private run(title: string, tasks: ListrTask[]): void {
    const list = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false },
      processOutput: new ProcessOutput(this.stream, this.stream, { leaveEmptyLine: false }),
    } as never);
    this.stream.write(`${title}\n`);
    this.lists.push(list.run().catch(() => undefined));
  }

  private startDiscoveryList(): void {
    this.run(
      'Discovering access (read-only):',
      this.steps.map((step) => ({
        title: `${step.id} (${step.provider}: ${step.user})`,
        task: async (_ctx, task) => apply(await this.waiter(`discover:${step.id}`).promise, task),
      })),
    );
  }

  private startRevokeList(): void {
    this.revokeStarted = true;
    this.run(
      'Revoking:',
      this.steps.map((step) => ({
        title: `${step.id} (${step.provider}: ${step.user})`,
        task: async (_ctx, task) => {
          const started = this.waiter(`start:${step.id}`).promise;
          const finished = this.waiter(`step:${step.id}`).promise;
          const first = await Promise.race([started, finished]);
          if ('skip' in first) return apply(first, task);
          const findings = this.findings.get(step.id) ?? [];
          if (findings.length === 0) return apply(await finished, task);
          // The step line says how the step ended once it has; its findings show the details.
          void finished.then((result) => {
            if ('skip' in result) task.title = `${task.title} (${result.skip})`;
            else if (!result.ok) task.title = `${task.title} (failed)`;
          });
          return task.newListr(
            findings.map((finding) => ({
              title: finding.label,
              task: async (_c, sub) => apply(await this.waiter(`finding:${step.id}:${finding.kind}:${finding.id}`).promise, sub),
            })),
            { concurrent: true, exitOnError: false },
          );
        },
      })),
    );
  }
}

function apply(settle: Settle, task: { title: string; skip: (message?: string) => void }): void {
  if ('skip' in settle) {
    task.skip(`${task.title}: ${settle.skip}`);
    return;
  }
  if (!settle.ok) throw new Error(`${task.title}: ${settle.message}`);
  if (settle.title) task.title = settle.title;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
