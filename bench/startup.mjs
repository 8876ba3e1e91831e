#!/usr/bin/env node
// Startup benchmark: how much slower than a bare `node -e 0` are `revoke --help` and
// `revoke validate`? Runs the three commands interleaved, several rounds, and prints medians and
// ratios measured side by side in this one run. Targets: --help <= 1.6x, validate <= 3x.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const runbook = process.argv[2] ?? 'runbooks/offboarding.yaml';
const commands = {
  'node -e 0': ['-e', '0'],
  'revoke --help': ['bin/revoke.js', '--help'],
  [`revoke validate ${runbook}`]: ['bin/revoke.js', 'validate', runbook],
};
const targets = { 'revoke --help': 1.6, [`revoke validate ${runbook}`]: 3 };

const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let round = 0; round < rounds + 2; round++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 && !process.env.BENCH_ALLOW_FAILURE) {
      console.error(`${name} exited ${result.status}: ${result.stderr}`);
      process.exit(1);
    }
    if (round >= 2) samples[name].push(ms); // the first rounds warm the disk cache
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const base = median(samples['node -e 0']);
console.log(`startup benchmark: ${rounds} rounds, median wall time, node ${process.version}`);
let failed = false;
for (const name of Object.keys(commands)) {
  const m = median(samples[name]);
  const ratio = m / base;
  const target = targets[name];
  const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: ok)` : `  (target <= ${target}x: MISSED)`;
  if (target !== undefined && ratio > target) failed = true;
  console.log(`  ${name.padEnd(44)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x${verdict}`);
}
process.exitCode = failed ? 1 : 0;
