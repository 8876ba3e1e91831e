#!/usr/bin/env node
// Builds dist/ as a few bundled ES modules. Bundling matters for start-up: resolving and reading
// hundreds of small files is most of the cost of `revoke validate` on Node 20, which has no
// module compile cache. Code splitting keeps each command's (and provider's) code in its own
// chunk, loaded only when used.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

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
  plugins: [noDynamicImportOfCommonJs()],
});

/**
 * `await import('<package>')` of a CommonJS package yields only `default` in a split ES module
 * bundle, so `const { Client } = await import(...)` is undefined at run time while the tests on
 * src/ (Node's own interop) pass. That is how `revoke watch` once shipped broken.
 * - In our code the build fails: import the package statically from a module of ours and load
 *   that module lazily instead.
 * - In a dependency (which we cannot edit; e.g. gaxios loads https-proxy-agent only when a proxy
 *   is configured) the import is routed through a generated ES module that re-exports the
 *   package's names statically, which the bundle handles correctly.
 */
function noDynamicImportOfCommonJs() {
  return {
    name: 'no-dynamic-import-of-commonjs',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'checking') return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'checking' });
        if (resolved.errors.length > 0 || resolved.external || !isCommonJs(resolved.path)) return undefined;
        if (args.importer.includes(`${sep}node_modules${sep}`)) return { path: resolved.path, namespace: 'cjs-named-exports' };
        return {
          errors: [{ text: `dynamic import of CommonJS package "${args.path}" (${resolved.path}): the bundle would expose only its default export. Import it statically in a module of ours and import() that module instead.` }],
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'cjs-named-exports' }, (args) => {
        // The names Node's own interop would give: what the module exports when loaded.
        const names = Object.keys(createRequire(args.path)(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
        const contents = [`import * as ns from ${JSON.stringify(args.path)};`, ...names.map((name) => `export const ${name} = ns.${name};`), 'export default ns.default;'].join('\n');
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** As esbuild decides: .cjs/.mjs by name; otherwise "type" of the package, or ES module syntax in the file. */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    if (JSON.parse(readFileSync(manifest, 'utf8')).type === 'module') return false;
    break;
  }
  return !/^\s*(export|import)\s/m.test(readFileSync(file, 'utf8'));
}
