#!/usr/bin/env node
// `revoke secret` at scale: one trufflehog report of 1,000 leaked secrets (800 GitHub tokens,
// 100 AWS access key pairs of 50 IAM users, 100 Slack tokens) through the sandboxes, 20 ms of
// latency on every GitHub and IAM response. Prints the calls made per kind (revoke's own count and
// the sandboxes'), the GitHub revocation batches (<= 1,000 tokens each, 60 requests an hour) and
// the wall time of the built binary. The aws-iam provider's client-side limit (50 requests/s)
// applies to the IAM calls; Slack calls go 4 at a time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxEnvironment, startGitHubSandbox, startIamSandbox, startSlackSandbox } from '../dist/sandbox/index.js';
import { runRevokeJson } from './support/cli.mjs';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const GITHUB_TOKENS = 800;
const AWS_USERS = 50; // two keys each
const SLACK_TOKENS = 100;

const dir = mkdtempSync(join(tmpdir(), 'revoke-secret-bench-'));
const [github, iam, slack] = await Promise.all([startGitHubSandbox(), startIamSandbox(), startSlackSandbox()]);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = (n) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');

const findings = [];
const finding = (detector, raw, rawV2, i) => ({ SourceMetadata: { Data: { Git: { commit: `c${i}`, file: `src/file${i}.ts`, line: i } } }, DetectorName: detector, Raw: raw, ...(rawV2 ? { RawV2: rawV2 } : {}) });
for (let i = 0; i < GITHUB_TOKENS; i++) {
  const t = `ghp_${token(36)}`;
  github.state.tokens.set(t, { login: `dev${i}`, scopes: ['repo'] });
  findings.push(finding('Github', t, undefined, findings.length));
}
for (let u = 0; u < AWS_USERS; u++) {
  iam.state.createUser(`svc${u}`);
  for (let k = 0; k < 2; k++) {
    const key = iam.state.createAccessKey(`svc${u}`);
    findings.push(finding('AWS', key.id, `${key.id}${key.secret}`, findings.length));
  }
}
for (let i = 0; i < SLACK_TOKENS; i++) {
  const t = `xoxb-${token(12)}-${token(24)}`;
  slack.tokens.set(t, { team: 'Acme', teamId: 'T1', user: `bot${i}`, userId: `U${i}` });
  findings.push(finding('Slack', t, undefined, findings.length));
}
const from = join(dir, 'trufflehog.jsonl');
writeFileSync(from, findings.map((f) => JSON.stringify(f)).join('\n') + '\n');
const runbook = join(dir, 'rb.yaml');
writeFileSync(runbook, 'version: 1\nname: leaks\nproviders:\n  aws:\n    type: aws-iam\nsteps:\n  - id: aws\n    provider: aws\n    user: "{{user}}"\n    revoke: [access-keys]\n');
github.faults.latencyMs = LATENCY_MS;
iam.faults.latencyMs = LATENCY_MS;

const env = { ...sandboxEnvironment(iam, { PATH: process.env.PATH, HOME: dir }), XDG_CONFIG_HOME: dir, GITHUB_API_URL: github.url, SLACK_API_URL: slack.url };
const { ms, result } = await runRevokeJson(['secret', '--from', from, '-r', runbook, '--yes', '--report', join(dir, 'reports')], env, { timeoutMs: 300_000 });
const batches = github.exchanges.filter((e) => e.route === '/credentials/revoke');
const iamCalls = iam.requests.filter((r) => r.userAgent?.includes('revoke/'));
console.log(`revoke secret on ${findings.length} secrets from one trufflehog report (${LATENCY_MS} ms latency):`);
console.log(`  outcome: ${Object.entries(result.totals).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ')}`);
console.log(`  wall time: ${(ms / 1000).toFixed(1)} s (built binary, signed report included)`);
console.log(`  GitHub: ${batches.length} POST /credentials/revoke for ${GITHUB_TOKENS} tokens (largest batch ${Math.max(...batches.map((b) => b.requestBody.credentials.length))}; limit 1,000 per request, 60 requests an hour)`);
console.log(`  AWS: ${iamCalls.length} IAM/STS calls for ${AWS_USERS * 2} keys (${(iamCalls.length / (AWS_USERS * 2)).toFixed(1)} per key)`);
console.log(`  Slack: ${slack.exchanges.length} calls for ${SLACK_TOKENS} tokens (auth.test + auth.revoke)`);
console.log(`  revoke's own count: ${JSON.stringify(result.calls)}`);
if (result.totals.revoked !== findings.length) throw new Error(`expected ${findings.length} revoked, got ${JSON.stringify(result.totals)}`);
if (batches.length !== 1) throw new Error(`expected one GitHub batch, got ${batches.length}`);
if (github.state.tokens.size > 0 || slack.tokens.size > 0) throw new Error('some leaked tokens still work');
await Promise.all([github.close(), iam.close(), slack.close()]);
