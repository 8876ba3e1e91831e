import { expect } from 'vitest';

type Check = () => Promise<void>;
const checks: Check[] = [];

/**
 * Registers `check` to run after every test (test/support/each-file.ts, a setup file, calls them).
 * A support module must not call afterEach() at its top level: with vitest's `isolate: false`
 * (vitest.config.ts) a module is evaluated once per worker, so such a hook would run only for the
 * first test file that imported it and silently not for the others. Setup files run per file.
 */
export function afterEveryTest(check: Check): void {
  checks.push(check);
}

export async function runAfterEveryTest(): Promise<void> {
  for (const check of checks) await check();
}

/**
 * The sandboxes a test opens (push them to the returned list) are closed after it, and every
 * exchange they logged must match the vendor's API description: `violations` lists what does not.
 */
export function specCheckedSandboxes<E, S extends { close(): Promise<void>; exchanges: E[] }>(violations: (exchange: E) => string[]): S[] {
  const open: S[] = [];
  afterEveryTest(async () => {
    for (const sandbox of open.splice(0)) {
      await sandbox.close();
      expect(sandbox.exchanges.flatMap(violations)).toEqual([]);
    }
  });
  return open;
}
