#!/usr/bin/env node
// Time to contain: a real `revoke user` run (test/fixtures/aws-offboarding.yaml: contain, then remove) against the
// local IAM sandbox, with 0 ms and 50 ms of latency added to every response. Each run is compared
// with its lower bound, measured in the same run:
//
//   lower bound = bare CLI start (`revoke --version`) + critical-path round trips x latency
//
// A second ratio replaces the bare start with the same run at 0 ms: that isolates how well the
// run overlaps its round trips from the fixed CPU cost of loading the AWS SDK, zod and yaml.
//
// The critical path is counted from the run's own result: connect (1: GetCallerIdentity), discovery
// (1: every List call of every step in parallel), then for each step on the dependency chain and
// each phase inside it, the most round trips any one finding of that phase needs (2 for a virtual
// MFA device and for the user itself, 1 otherwise). Target: <= 1.2x at 50 ms.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL_USER, sandboxEnvironment, sandboxIamClient, seedUser, startIamSandbox } from '../dist/sandbox/index.js';
import { bareCliStart, median, runRevokeJson } from './support/cli.mjs';
import { criticalPath } from './support/critical-path.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const latencies = [0, 50];
// The user: 2 access keys, login profile, virtual MFA, SSH key, signing certificate,
// 3 groups, 3 managed and 3 inline policies.
const spec = { ...FULL_USER, serviceCredentials: [] };

const reportDir = mkdtempSync(join(tmpdir(), 'revoke-bench-reports-'));

const runCli = (env) => runRevokeJson(['user', 'jdoe', '-r', 'test/fixtures/aws-offboarding.yaml', '--yes', '--report', reportDir], env);

const start = bareCliStart();
console.log(`time-to-contain: ${rounds} rounds per latency, node ${process.version}; bare CLI start ${start.toFixed(0)} ms`);
const zeroLatencyWall = { ms: undefined };
for (const latency of latencies) {
  const walls = [];
  let trips = 0;
  let findings = 0;
  for (let round = 0; round < rounds; round++) {
    const sandbox = await startIamSandbox();
    try {
      await seedUser(sandboxIamClient(sandbox), 'jdoe', spec);
      sandbox.faults.latencyMs = latency;
      const { ms, result } = await runCli(sandboxEnvironment(sandbox, { PATH: process.env.PATH, HOME: process.env.HOME }));
      if (sandbox.state.users.has('jdoe')) throw new Error('the run did not delete jdoe');
      walls.push(ms);
      trips = criticalPath(result);
      findings = result.totals.findings;
    } finally {
      await sandbox.close();
    }
  }
  const wall = median(walls);
  if (latency === 0) zeroLatencyWall.ms = wall;
  const bound = start + trips * latency;
  const ratio = wall / bound;
  const target = latency === 50 ? 1.2 : undefined;
  console.log(
    `  latency ${String(latency).padStart(2)} ms: ${findings} findings, ${trips} round trips on the critical path; wall ${wall.toFixed(0)} ms vs lower bound ${bound.toFixed(0)} ms = ${ratio.toFixed(2)}x` +
      (target ? ` (target <= ${target}x: ${ratio <= target ? 'ok' : 'missed'})` : ''),
  );
  if (latency > 0) {
    const overlapBound = zeroLatencyWall.ms + trips * latency;
    console.log(`      vs the 0 ms run + round trips x latency (${overlapBound.toFixed(0)} ms): ${(wall / overlapBound).toFixed(2)}x`);
  }
}
