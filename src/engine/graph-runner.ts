import type { GraphNode } from '../runbook/graph.js';

export type NodeResult = { status: 'succeeded' } | { status: 'failed' };
export type NodeSkip = { reason: string; cause: 'dependency' | 'stopped' };

export interface GraphRunOptions {
  concurrency: number;
  /** Checked before starting each node: once true, nothing new starts. */
  isStopped: () => boolean;
}

/**
 * Runs a DAG: a node starts once all its dependencies succeeded, at most `concurrency` at a time.
 * A node whose dependency failed or was skipped is skipped (never run) with the reason; independent
 * branches carry on. After a stop, running nodes finish and the rest are skipped as stopped.
 */
export async function runGraph(
  nodes: readonly GraphNode[],
  options: GraphRunOptions,
  run: (id: string) => Promise<NodeResult>,
  skip: (id: string, why: NodeSkip) => void,
): Promise<Map<string, 'succeeded' | 'failed' | 'skipped'>> {
  const state = new Map<string, 'succeeded' | 'failed' | 'skipped'>();
  const pending = new Set(nodes.map((n) => n.id));
  const running = new Set<string>();
  const limit = Math.max(1, options.concurrency);

  return new Promise((resolve, reject) => {
    const pump = () => {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (const node of nodes) {
          if (!pending.has(node.id)) continue;
          if (options.isStopped()) {
            pending.delete(node.id);
            state.set(node.id, 'skipped');
            skip(node.id, { cause: 'stopped', reason: 'not started: the run was interrupted' });
            progressed = true;
            continue;
          }
          const blocker = node.dependsOn.find((dep) => state.get(dep) === 'failed' || state.get(dep) === 'skipped');
          if (blocker !== undefined) {
            pending.delete(node.id);
            state.set(node.id, 'skipped');
            const how = state.get(blocker) === 'failed' ? 'failed' : 'was skipped';
            skip(node.id, { cause: 'dependency', reason: `dependency ${blocker} ${how}` });
            progressed = true;
            continue;
          }
          if (running.size >= limit) continue;
          if (!node.dependsOn.every((dep) => state.get(dep) === 'succeeded')) continue;
          pending.delete(node.id);
          running.add(node.id);
          progressed = true;
          run(node.id).then(
            (result) => finish(node.id, result.status),
            (error: unknown) => reject(error),
          );
        }
      }
      if (pending.size === 0 && running.size === 0) resolve(state);
    };
    const finish = (id: string, status: 'succeeded' | 'failed') => {
      running.delete(id);
      state.set(id, status);
      pump();
    };
    pump();
  });
}

/** Runs tasks with at most `limit` in flight; used for findings of one phase. */
export async function runBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/** `task` over every item, at most `limit` at a time; the answers in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  await runBounded(
    items.map((item, index) => ({ item, index })),
    limit,
    async ({ item, index }) => {
      answers[index] = await task(item);
    },
  );
  return answers;
}
