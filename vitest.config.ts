import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __REVOKE_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary root per run, removed at the end (test/support/temp-root.ts); the suite-wide
    // least-privilege check (test/support/global-setup.ts).
    globalSetup: ['test/support/temp-root.ts', 'test/support/global-setup.ts'],
    // CPU-bound tests (flipping every byte of a report, the demo) can take 20 s on a loaded 2-core
    // CI with four workers; a hung test still fails, a minute later.
    testTimeout: 60_000,
    pool: 'forks',
    // Most files wait (on sandboxes' latency, retries' backoff, child processes), not compute:
    // vitest's default of one worker per core minus one ran them one at a time on 2 cores.
    maxWorkers: 4,
    // The AWS SDK's notice about future Node versions; revoke's own entry point silences it too.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
