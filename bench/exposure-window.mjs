#!/usr/bin/env node
// Exposure window: how long a departing person's credentials keep working after `revoke user
// ... --yes` is spawned, measured from the attacker's side. One person holds every credential kind
// the sandboxes can check; one probe per credential keeps using it every ~10 ms from before the
// spawn until after the run ends. Per credential we record the last accepted use (the exposure
// window), and per run the first mutating request (from the sandboxes' logs and PostgreSQL's
// statement log) and the completion, at 0 and 50 ms of latency (HTTP sandboxes delay every
// response; a TCP relay delays what PostgreSQL sends to the CLI), median of BENCH_ROUNDS rounds.
//
// Goals (issue 18), judged at 50 ms in the printed verdict:
//   every window <= start-up + 2 round trips;  whole run <= 1.2 x (start-up + critical-path round trips x latency)
// Start-up is measured in the same run: the CLI's time to its first request (and bare --version).
// The critical path is counted from the run's own result as bench/time-to-contain.mjs does:
// connect (1) + discovery (1) + per step on the longest dependency chain, per ordering phase, the
// most round trips one finding needs (2 for a virtual MFA device and for deleting the user).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IAM } from '@aws-sdk/client-iam';
import { STS } from '@aws-sdk/client-sts';
import pg from 'pg';
import {
  FULL_USER,
  githubSandboxEnvironment,
  googleSandboxEnvironment,
  sandboxEnvironment,
  sandboxIamClient,
  seedDepartingRole,
  seedGitHubUser,
  seedGoogleCustomer,
  seedGoogleUser,
  seedOrg,
  seedUser,
  startGitHubSandbox,
  startGoogleSandbox,
  startIamSandbox,
  startPostgres,
} from '../dist/sandbox/index.js';
import { exposureOf, startLatencyRelay, startProbe } from './support/probes.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const latencies = [0, 50];
const RUNBOOK = 'runbooks/demo.yaml';
const ORG = 'acme';
const DOMAIN = 'acme.example';
const GRACE_MS = 300; // probes keep going this long after the run ends: a credential that comes back counts
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'revoke-exposure-bench-'));

function bareStart() {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    spawnSync(process.execPath, ['bin/revoke.js', '--version'], { cwd: root, stdio: 'ignore' });
    samples.push(performance.now() - started);
  }
  return median(samples);
}

// --- the world: one set of sandboxes, a new person each round --------------------------------
const iam = await startIamSandbox();
const github = await startGitHubSandbox();
const google = await startGoogleSandbox();
const postgres = await startPostgres();
await postgres.sql("ALTER SYSTEM SET log_statement = 'ddl'");
await postgres.sql('SELECT pg_reload_conf()');
const githubOperatorToken = seedOrg(github, { org: ORG, operator: 'revoke-bot', owners: ['org-owner-bot'] });
const googleKey = seedGoogleCustomer(google, { domain: DOMAIN, admin: `it-admin@${DOMAIN}` });
const closers = [() => iam.close(), () => github.close(), () => google.close(), () => postgres.stop()];

async function seedPerson(person) {
  await seedUser(sandboxIamClient(iam), person, FULL_USER);
  seedGitHubUser(github, ORG, { login: person, role: 'member', teams: ['platform'], ssoCredentials: 2, patGrants: 1, codespaces: ['api'], copilot: true, repoCollaborator: ['infra'] });
  const githubToken = github.state.addToken(person, ['read:org', 'repo']);
  const googleCredentials = seedGoogleUser(google, {
    email: `${person}@${DOMAIN}`,
    lastLoginMinutesAgo: 20,
    oauthApps: [{ clientId: '1234567890-slack.apps.googleusercontent.com', name: 'Slack', scopes: ['https://www.googleapis.com/auth/calendar.readonly'] }],
    appPasswords: [{ name: 'Thunderbird' }],
    backupCodes: 10,
  });
  const dbPassword = `pw-${person}-${Math.random().toString(36).slice(2)}`;
  const database = await seedDepartingRole(postgres.url(postgres.adminUser, postgres.adminPassword), person, dbPassword);
  return { githubToken, googleCredentials, dbPassword, database };
}

/** One probe per credential the person holds; every probe is already running when this returns. */
async function startProbes(person, held) {
  const user = iam.state.users.get(person);
  const [key1, key2] = user.accessKeys;
  const iamAs = (credentials) => new IAM({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const accepted = (call) => call.then(() => true, (error) => {
    if (error.$metadata?.httpStatusCode === 403 || error.name === 'NoSuchEntity' || error.name === 'NoSuchEntityException') return false;
    throw error;
  });
  const keyClient = iamAs({ accessKeyId: key1.id, secretAccessKey: key1.secret });
  // A session the person opened before the run: GetSessionToken with MFA (plain sessions may not call IAM).
  const sts = new STS({ endpoint: iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: key2.id, secretAccessKey: key2.secret }, maxAttempts: 1 });
  const { Credentials: session } = await sts.getSessionToken({ SerialNumber: user.mfaSerials[0], TokenCode: '123456', DurationSeconds: 3600 });
  const sessionClient = iamAs({ accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, sessionToken: session.SessionToken });
  const httpAccepted = async (url, headers) => {
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (response.status === 200) return true;
    if (response.status === 401 || response.status === 403 || response.status === 404) return false;
    throw new Error(`HTTP ${response.status}`);
  };
  const userinfo = new URL('/oauth2/v3/userinfo', google.url);
  const basic = (secret) => `Basic ${Buffer.from(`${person}@${DOMAIN}:${secret}`).toString('base64')}`;
  const { googleCredentials: g, githubToken, dbPassword, database } = held;
  const directDb = postgres.url(person, dbPassword);
  const sequential = { maxInFlight: 1 };
  return [
    startProbe('aws access key (iam:GetUser)', () => accepted(keyClient.getUser({ UserName: person }))),
    startProbe('aws GetSessionToken session (iam:GetUser)', () => accepted(sessionClient.getUser({ UserName: person }))),
    // The sandbox has no console sign-in endpoint: this one reads its state (does a login profile exist?).
    startProbe('aws console password (state check)', async () => iam.state.users.get(person)?.loginProfile !== undefined),
    startProbe('github token (GET /orgs/acme/members)', () => httpAccepted(`${github.url}/orgs/${ORG}/members?per_page=1`, { authorization: `token ${githubToken}` })),
    startProbe('google session cookie (userinfo)', () => httpAccepted(userinfo, { cookie: `SID=${g.sessionCookie}` })),
    startProbe('google password (userinfo)', () => httpAccepted(userinfo, { authorization: basic(g.password) })),
    startProbe('google app password (userinfo)', () => httpAccepted(userinfo, { authorization: basic(g.appPasswords[0]) })),
    startProbe('google OAuth app token (userinfo)', () => httpAccepted(userinfo, { authorization: `Bearer ${Object.values(g.appTokens)[0]}` })),
    startProbe('postgres new login', async () => {
      const client = new pg.Client({ connectionString: directDb });
      client.on('error', () => {});
      try {
        await client.connect();
        return true;
      } catch (error) {
        if (['28000', '28P01'].includes(error.code)) return false; // NOLOGIN / password refused
        throw error;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, sequential),
    startProbe('postgres live session (SELECT 1)', () => database.session.query('SELECT 1').then(() => true, () => false), sequential),
  ];
}

function runRevoke(person, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/revoke.js', 'user', person, '-r', RUNBOOK, '--yes', '--json', '--report', join(dir, person)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const end = performance.now();
      if (code !== 0) reject(new Error(`revoke exited ${code}: ${err.slice(0, 2000)}`));
      else resolve({ t0, end, result: JSON.parse(out) });
    });
  });
}

/** DDL statements PostgreSQL logged after `since` (performance.now() clock), from its log's %m timestamps. */
function postgresDdlTimes(since) {
  const times = [];
  for (const line of readFileSync(postgres.logFile, 'utf8').split('\n')) {
    const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC .*LOG:\s+statement: (ALTER|DROP|REASSIGN|REVOKE|GRANT)/.exec(line);
    if (!match) continue;
    const at = Date.parse(`${match[1]}T${match[2]}Z`) - performance.timeOrigin;
    if (at >= since) times.push(at);
  }
  return times;
}

function roundTrips(finding) {
  if (finding.kind === 'mfa-devices' && finding.details?.virtual) return 2;
  if (finding.kind === 'user' && finding.id === 'delete-user') return 2;
  return 1;
}

/** Round trips on the critical path of the step graph, from the run's own result. */
function criticalPath(result) {
  const steps = new Map(result.steps.map((s) => [s.id, s]));
  const memo = new Map();
  const cost = (id) => {
    if (memo.has(id)) return memo.get(id);
    const step = steps.get(id);
    const phases = new Map();
    for (const f of step.findings) phases.set(f.phase, Math.max(phases.get(f.phase) ?? 0, roundTrips(f)));
    const total = [...phases.values()].reduce((a, b) => a + b, 0) + Math.max(0, ...step.dependsOn.map(cost));
    memo.set(id, total);
    return total;
  };
  return 2 + Math.max(...result.steps.map((s) => cost(s.id)));
}

/** One revocation of a freshly seeded person; `withProbes: false` is the control run (what the probes cost). */
async function round(person, latency, { withProbes = true } = {}) {
  const held = await seedPerson(person);
  iam.faults.latencyMs = latency;
  github.faults.latencyMs = latency;
  google.faults.latencyMs = latency;
  const relay = await startLatencyRelay(postgres.port, latency);
  const env = {
    ...githubSandboxEnvironment(github, githubOperatorToken, sandboxEnvironment(iam, { PATH: process.env.PATH, HOME: dir })),
    ...googleSandboxEnvironment(google),
    GOOGLE_WORKSPACE_KEY: googleKey,
    DATABASE_URL: `postgres://${encodeURIComponent(postgres.adminUser)}:${encodeURIComponent(postgres.adminPassword)}@127.0.0.1:${relay.port}/postgres`,
    XDG_CONFIG_HOME: dir,
    CI: 'true',
    NO_COLOR: '1',
  };
  const probes = withProbes ? await startProbes(person, held) : [];
  await new Promise((resolve) => setTimeout(resolve, 50)); // every probe has been accepted at least once
  const marks = { iam: iam.requests.length, github: github.exchanges.length, google: google.exchanges.length };
  let run;
  try {
    run = await runRevoke(person, env);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
  } finally {
    await Promise.all(probes.map((p) => p.stop()));
    await relay.close();
    await held.database.close();
  }
  const { t0, end, result } = run;
  const operatorRequests = [
    ...iam.requests.slice(marks.iam).filter((r) => r.accessKeyId === iam.operator.accessKeyId).map((r) => ({ at: r.startedAt, mutating: r.mutating })),
    ...github.exchanges.slice(marks.github).filter((e) => e.caller === 'revoke-bot').map((e) => ({ at: e.startedAt, mutating: e.mutating })),
    ...google.exchanges.slice(marks.google).filter((e) => e.api !== 'person' && e.api !== 'unknown').map((e) => ({ at: e.at, mutating: e.mutating })),
  ];
  const mutations = [...operatorRequests.filter((r) => r.mutating).map((r) => r.at), ...postgresDdlTimes(t0)];
  return {
    windows: probes.map((p) => exposureOf(p, t0)),
    firstRequestMs: Math.min(...operatorRequests.map((r) => r.at)) - t0,
    firstMutationMs: Math.min(...mutations) - t0,
    completionMs: end - t0,
    trips: criticalPath(result),
    findings: result.totals.findings,
  };
}

const fmt = (ms) => (ms === undefined ? '     -' : `${ms.toFixed(0).padStart(6)}`);
const verdicts = [];
const summary = {};
try {
  const bare = bareStart();
  console.log(`exposure window: ${rounds} rounds per latency, median; node ${process.version}, ${(await import('node:os')).availableParallelism()} CPUs; runbook ${RUNBOOK}`);
  console.log(`  bare CLI start (revoke --version): ${bare.toFixed(0)} ms`);
  let n = 0;
  for (const latency of latencies) {
    const results = [];
    for (let r = 0; r < rounds; r++) results.push(await round(`jdoe${++n}`, latency));
    const control = await round(`jdoe${++n}`, latency, { withProbes: false });
    const names = results[0].windows.map((w) => w.name);
    const startup = median(results.map((r) => r.firstRequestMs));
    const firstMutation = median(results.map((r) => r.firstMutationMs));
    const completion = median(results.map((r) => r.completionMs));
    const trips = median(results.map((r) => r.trips));
    const windowBound = startup + 2 * latency;
    const runBound = startup + trips * latency;
    console.log(`\n  latency ${latency} ms: ${results[0].findings} findings; start-up (spawn -> first request) ${startup.toFixed(0)} ms; first mutating request ${firstMutation.toFixed(0)} ms; completion ${completion.toFixed(0)} ms`);
    console.log(`  control run without probes (the probes' own load on the 2 cores): first mutating request ${control.firstMutationMs.toFixed(0)} ms, completion ${control.completionMs.toFixed(0)} ms`);
    console.log(`  critical path ${trips} round trips: lower bound ${runBound.toFixed(0)} ms; run / bound = ${(completion / runBound).toFixed(2)}x (vs bare start: ${(completion / (bare + trips * latency)).toFixed(2)}x)`);
    console.log(`  ${'credential'.padEnd(44)} window ms (median; rounds)   window / (start-up + 2 RT = ${windowBound.toFixed(0)} ms)`);
    const windows = [];
    for (const name of names) {
      const perRound = results.map((r) => r.windows.find((w) => w.name === name));
      const never = perRound.some((w) => !w.deniedAtEnd);
      const unused = perRound.some((w) => !w.acceptedBeforeSpawn);
      const window = median(perRound.map((w) => w.windowMs ?? -Infinity));
      windows.push({ name, window, never, unused });
      const note = never ? '  STILL WORKS after the run' : unused ? '  (never accepted: probe broken)' : '';
      console.log(`  ${name.padEnd(44)} ${fmt(window)}  (${perRound.map((w) => fmt(w.windowMs).trim()).join(', ')})`.padEnd(78) + `  ${(window / windowBound).toFixed(2)}x${note}`);
    }
    summary[latency] = { startup, firstMutation, completion, trips, runBound, windowBound, windows };
  }
  // --- verdict against the goals, at 50 ms -------------------------------------------------------
  const s = summary[50];
  const over = s.windows.filter((w) => w.never || w.window > s.windowBound);
  verdicts.push(
    over.length === 0
      ? `every credential's window <= start-up + 2 round trips (${s.windowBound.toFixed(0)} ms): met`
      : `every credential's window <= start-up + 2 round trips (${s.windowBound.toFixed(0)} ms): MISSED by ${over.length} of ${s.windows.length} (worst ${Math.max(...over.map((w) => w.window)).toFixed(0)} ms: ${over.sort((a, b) => b.window - a.window)[0].name})`,
  );
  const ratio = s.completion / s.runBound;
  verdicts.push(`whole run <= 1.2 x critical-path lower bound (${s.runBound.toFixed(0)} ms): ${ratio <= 1.2 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}x)`);
  const firstContained = Math.min(...s.windows.map((w) => w.window));
  verdicts.push(`first credential dead ${firstContained.toFixed(0)} ms after spawn, first mutating request at ${s.firstMutation.toFixed(0)} ms (start-up ${s.startup.toFixed(0)} ms)`);
  console.log('\n  verdict at 50 ms (goals of issue 18):');
  for (const v of verdicts) console.log(`    - ${v}`);
  const broken = Object.values(summary).flatMap((x) => x.windows).filter((w) => w.unused);
  if (broken.length > 0) process.exitCode = 1;
} finally {
  for (const close of closers) await close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
