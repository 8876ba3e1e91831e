#!/usr/bin/env node
// Builds dist/ as a few bundled ES modules. Bundling matters for start-up: resolving and reading
// hundreds of small files is most of the cost of `revoke validate` on Node 20, which has no
// module compile cache. Code splitting keeps each command's (and provider's) code in its own
// chunk, loaded only when used.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts', 'sandbox/index': 'src/sandbox/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies are CommonJS and call require(); give the ES module bundle one.
  banner: { js: "import { createRequire as __revokeCreateRequire } from 'node:module'; const require = __revokeCreateRequire(import.meta.url);" },
  define: { __REVOKE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
