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
    // Workers keep their loaded modules from one test file to the next: importing the SDKs and
    // src/ again for each of ~55 files was a quarter of the in-process tests' CPU. Files still get
    // their own sandboxes; per-test checks of support modules go through this setup file (see
    // test/support/after-each-test.ts for why not a top-level afterEach).
    isolate: false,
    setupFiles: ['test/support/each-file.ts'],
    // Most files wait (on sandboxes' latency, retries' backoff, child processes), not compute:
    // vitest's default of one worker per core minus one ran them one at a time on 2 cores.
    maxWorkers: 4,
    // The AWS SDK's notice about future Node versions; revoke's own entry point silences it too.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
