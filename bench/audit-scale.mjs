#!/usr/bin/env node
// Audit at scale: a 10,000-member GitHub org and 5,000 IAM users in the sandboxes, 20 ms of
// latency on every response; audit 10,000 departed people of whom 1% still hold access (50 still
// in the org, 50 with an IAM user), next to the same audit of 10 people. Prints the API calls each
// made (counted at the sandboxes), wall time and the peak RSS of the revoke process.
// Targets: calls ≈ list pages (not per user), <= 30 s, <= 200 MB. With 1% still holding access,
// those 100 people are discovered one by one; everyone else costs nothing beyond the list pages.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { githubSandboxEnvironment, sandboxEnvironment, seedGitHubUser, seedOrg, startGitHubSandbox, startIamSandbox } from '../dist/sandbox/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const ORG_MEMBERS = 10_000;
const IAM_USERS = 5_000;

const dir = mkdtempSync(join(tmpdir(), 'revoke-audit-bench-'));
const iam = await startIamSandbox();
const github = await startGitHubSandbox();
for (let i = 0; i < IAM_USERS; i++) iam.state.createUser(`staff${i}`);
const token = seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['org-owner-bot'] });
const org = github.state.orgs.get('acme');
for (let i = 0; i < ORG_MEMBERS; i++) {
  github.state.user(`member${i}`);
  org.members.set(`member${i}`, { role: 'member' });
}
// 10,000 departed people; 50 are still org members, 50 still have an IAM user (with an access key).
const departed = Array.from({ length: 10_000 }, (_, i) => `gone${i}`);
for (let i = 0; i < 50; i++) seedGitHubUser(github, 'acme', { login: departed[i * 200], role: 'member' });
for (let i = 0; i < 50; i++) {
  iam.state.createUser(departed[i * 200 + 100]);
  iam.state.createAccessKey(departed[i * 200 + 100]);
}
iam.faults.latencyMs = LATENCY_MS;
github.faults.latencyMs = LATENCY_MS;
const env = { ...githubSandboxEnvironment(github, token, sandboxEnvironment(iam, { PATH: process.env.PATH, HOME: dir })), XDG_CONFIG_HOME: dir };

async function audit(names, label) {
  const file = join(dir, `${label}.txt`);
  writeFileSync(file, `${names.join('\n')}\n`);
  const iamBefore = iam.requests.length;
  const ghBefore = github.exchanges.length;
  const started = performance.now();
  const args = ['-f', '%M', process.execPath, 'bin/revoke.js', 'audit', '-r', 'test/fixtures/github-aws.yaml', '--users', file, '--format', 'json', '--report', join(dir, label)];
  const { code, stdout, stderr } = await new Promise((resolve) => {
    const child = spawn('/usr/bin/time', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (status) => resolve({ code: status, stdout: out, stderr: err }));
  });
  const wall = performance.now() - started;
  const rssKb = Number(stderr.trim().split('\n').pop());
  const result = JSON.parse(stdout);
  return {
    label,
    users: names.length,
    exit: code,
    withAccess: result.summary.withAccess,
    iamCalls: iam.requests.length - iamBefore,
    githubCalls: github.exchanges.length - ghBefore,
    wallSeconds: wall / 1000,
    peakRssMb: rssKb / 1024,
  };
}

const small = await audit(departed.slice(0, 10), 'ten');
const large = await audit(departed, 'ten-thousand');
await Promise.all([iam.close(), github.close()]);

const listPages = Math.ceil(IAM_USERS / 100 + 50 / 100) + Math.ceil((ORG_MEMBERS + 52) / 100);
console.log(`audit-scale: ${ORG_MEMBERS} org members, ${IAM_USERS + 50} IAM users, ${LATENCY_MS} ms latency, node ${process.version}`);
console.log(`  list pages needed to see everyone: ~${listPages} (ListUsers and org members at 100 per page)`);
for (const r of [small, large]) {
  console.log(
    `  ${String(r.users).padStart(6)} users: exit ${r.exit}, ${r.withAccess} with access; ${r.iamCalls} IAM + ${r.githubCalls} GitHub calls; ${r.wallSeconds.toFixed(1)} s; peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
}
const perPersonWithAccess = (large.iamCalls + large.githubCalls - (small.iamCalls + small.githubCalls)) / Math.max(1, large.withAccess - small.withAccess);
console.log(`  the 10,000-user audit made ${((large.iamCalls + large.githubCalls) / (small.iamCalls + small.githubCalls)).toFixed(1)}x the calls of the 10-user one: the extra ~${perPersonWithAccess.toFixed(1)} calls per person are for the ${large.withAccess} who still have access`);
console.log(`  targets: <= 30 s (${large.wallSeconds <= 30 ? 'ok' : 'missed'}), <= 200 MB (${large.peakRssMb <= 200 ? 'ok' : 'missed'})`);
