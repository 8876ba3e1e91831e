#!/usr/bin/env node
// What loading costs before the first request can go out: for each provider, the time to import
// the chunk its connect() loads (the vendor SDK and our client code) in a fresh `node`, minus a
// fresh `node` importing nothing; then all of them at once, as a runbook using every provider
// does. Median of BENCH_ROUNDS (7) rounds, interleaved. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, root } from './support/cli.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const chunks = join(root, 'dist', 'chunks');
const connectors = { 'aws-iam': 'connectIam', github: 'connectGitHub', postgres: 'connectPostgres', 'google-workspace': 'connectGoogle', okta: 'connectOkta', 'entra-id': 'connectEntra' };

/** The chunk that defines a provider's connect function (what its lazy import loads first). */
const files = readdirSync(chunks).filter((f) => f.endsWith('.js'));
const chunkOf = Object.fromEntries(
  Object.entries(connectors).map(([type, fn]) => [type, files.find((f) => new RegExp(`(async )?function ${fn}\\(`).test(readFileSync(join(chunks, f), 'utf8')))]),
);

const timeImport = (paths) => {
  const script = `const t = performance.now(); await Promise.all(${JSON.stringify(paths.map((p) => pathToFileURL(p).href))}.map((u) => import(u))); process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout);
};

const cases = { ...Object.fromEntries(Object.entries(chunkOf).filter(([, f]) => f).map(([type, f]) => [type, [join(chunks, f)]])) };
cases['all six at once'] = Object.values(cases).flat();
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < rounds + 1; round++) {
  for (const [name, paths] of Object.entries(cases)) {
    const ms = timeImport(paths);
    if (round > 0) samples[name].push(ms); // the first round warms the disk cache
  }
}
console.log(`load cost: ${rounds} rounds, median; node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)}`);
for (const [name, xs] of Object.entries(samples)) console.log(`  ${name.padEnd(18)} ${median(xs).toFixed(0).padStart(5)} ms  (${(cases[name] ?? []).map((p) => p.split('/').pop()).join(', ')})`);
