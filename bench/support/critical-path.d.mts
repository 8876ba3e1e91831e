// Types of critical-path.mjs, for the tests (test/bench/critical-path.test.ts) that TypeScript checks.
export interface RunResultShape {
  steps: Array<{ id: string; provider?: string; providerType?: string; user?: string; dependsOn: string[]; findings: Array<{ kind: string; id: string; phase: number; containment?: boolean; details?: Record<string, unknown> }> }>;
}

export function criticalPath(result: RunResultShape): number;

export function legacyCriticalPath(result: RunResultShape): number;

export const CONNECT_ROUND_TRIPS: Record<string, number>;

export function criticalPathParts(result: RunResultShape): { connect: number; beforeChain: number; chain: number };

export const FORCED_ROUND_TRIPS: Array<[RegExp, number, string]>;

export function forcedRoundTrips(credential: string): number | undefined;
