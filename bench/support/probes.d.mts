// Types of probes.mjs, for the tests (test/bench/probes.test.ts) that TypeScript checks.
import type { Agent } from 'node:http';

export interface ProbeUse {
  sentAt: number;
  ok: boolean;
  error?: string;
}

export interface Probe {
  name: string;
  uses: ProbeUse[];
  stop(): Promise<void>;
}

export function startProbe(
  name: string,
  useOnce: () => boolean | Promise<boolean>,
  options?: { intervalMs?: number; sparseMs?: number; dense?: () => boolean; maxInFlight?: number; maxUses?: number; maxMs?: number },
): Probe;

export function httpAccepted(url: string | URL, options?: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent }): Promise<boolean>;

export function iamGetUser(endpoint: string, userName: string, accessKeyId: string, sessionToken?: string): () => Promise<boolean>;

export interface Exposure {
  name: string;
  uses: number;
  acceptedBeforeSpawn: boolean;
  lastAcceptedMs: number | undefined;
  /** The exposure window: the first refused use after the last accepted one. */
  windowMs: number | undefined;
  deniedAtEnd: boolean;
  refusal: string | undefined;
}

export function exposureOf(probe: Probe, t0: number): Exposure;

export function startLatencyRelay(targetPort: number, latencyMs: number, options?: { mutation?: RegExp }): Promise<{ port: number; firstMutation: number | undefined; close(): Promise<void> }>;
