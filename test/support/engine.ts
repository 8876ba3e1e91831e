import { RunEventStream, type RunEvent } from '../../src/engine/events.js';
import { RunRecorder } from '../../src/engine/record.js';
import { executeRun, type RunOptions } from '../../src/engine/run.js';
import { StopController } from '../../src/engine/stop.js';
import { resolveRun, type ResolveOptions } from '../../src/runbook/resolve.js';
import type { FakeWorld } from './fake-provider.js';
import { fakeRegistry, validateText } from './runbooks.js';

/** Runs the engine on a runbook text against a fake world; returns the outcome, record and events. */
export async function runEngine(
  world: FakeWorld,
  text: string,
  resolve: ResolveOptions,
  options: Partial<RunOptions> & { onEvent?: (event: RunEvent, stop: StopController) => void } = {},
) {
  const registry = fakeRegistry(world);
  const validation = validateText(text, registry);
  if (!validation.runbook) throw new Error(validation.diagnostics.map((d) => d.message).join('\n'));
  const plan = resolveRun(validation.runbook, registry, resolve);
  const events = new RunEventStream();
  const recorder = new RunRecorder();
  const seen: RunEvent[] = [];
  const stop = options.stop ?? new StopController(1000);
  events.subscribe(recorder.listener);
  events.subscribe((event) => {
    seen.push(event);
    options.onEvent?.(event, stop);
  });
  const outcome = await executeRun(plan, registry, events, {
    dryRun: false,
    concurrency: 8,
    detailedExitCode: false,
    env: {},
    confirm: async () => ({ approved: true, by: 'flag' }),
    ...options,
    stop,
  });
  return { outcome, record: recorder.record, events: seen };
}
