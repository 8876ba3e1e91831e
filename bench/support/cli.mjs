// Spawning the built CLI (bin/revoke.js, dist/) the way the benchmarks time it.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of a bare `revoke --version`: the floor any run starts from. */
export function bareCliStart(samples = 7) {
  const times = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    spawnSync(process.execPath, ['bin/revoke.js', '--version'], { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * Runs `revoke <args> --json` and resolves with its parsed result, when it was spawned (t0) and
 * when it exited (performance.now()); rejects with its stderr if it exits non-zero, and kills it
 * after `timeoutMs` so a benchmark always ends.
 */
export function runRevokeJson(args, env, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), 'bin/revoke.js', ...args, '--json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const end = performance.now();
      if (code === null) reject(new Error(`revoke ${args[0]} did not finish within ${timeoutMs} ms: ${err.slice(0, 4000)}`));
      else if (code !== 0) reject(new Error(`revoke exited ${code}: ${err.slice(0, 4000)}`));
      else resolve({ t0, end, ms: end - t0, result: JSON.parse(out) });
    });
  });
}
