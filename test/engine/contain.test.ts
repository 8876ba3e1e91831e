import { IAM } from '@aws-sdk/client-iam';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEventStream, type RunEvent } from '../../src/engine/events.js';
import { RunRecorder } from '../../src/engine/record.js';
import { executeRun, type RunOptions } from '../../src/engine/run.js';
import { StopController } from '../../src/engine/stop.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter } from '../../src/report/journal.js';
import { InvalidInputError } from '../../src/errors.js';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { resolveRun } from '../../src/runbook/resolve.js';
import { sandboxEnvironment } from '../../src/sandbox/iam/seed.js';
import { iamWorld, type IamWorld } from '../support/iam.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { validateText, yaml } from '../support/runbooks.js';
import { createPostgresOperator, PG_OPERATOR } from '../support/worlds.js';

// Contain first (issue 18), in-process against the IAM sandbox (the real AWS SDK) and a real
// PostgreSQL. Both are slowed by LATENCY_MS per request, so discovery takes several round trips
// and "containment before the end of discovery" is a margin of round trips, not of microseconds.
const LATENCY_MS = 25;

const runbook = yaml`
  version: 1
  name: contain-test
  providers:
    aws: { type: aws-iam }
    db: { type: postgres, connectionStringEnv: REVOKE_PG_URL, reassignTo: data_owner }
  protect:
    aws: [break-glass]
  steps:
    - { id: aws-contain, provider: aws, user: "{{user}}", mode: disable, revoke: [sessions, access-keys, login-profile, user] }
    - { id: aws-remove, provider: aws, user: "{{user}}", mode: delete, revoke: [all], dependsOn: [aws-contain] }
    - { id: db-contain, provider: db, user: "{{user}}", mode: disable, revoke: [login, sessions] }
    - { id: db-remove, provider: db, user: "{{user}}", mode: delete, revoke: [all], dependsOn: [db-contain] }
`;

/** Every statement revoke sends to PostgreSQL (pg's own client, wrapped before it connects), delayed like a remote server. */
const pgLog: Array<{ text: string; at: number; mutating: boolean }> = [];
const originalQuery = pg.Client.prototype.query;

let world: IamWorld;
let server: PostgresServer;
beforeAll(async () => {
  [world, server] = await Promise.all([iamWorld(), startPostgres()]);
  await server.sql('CREATE ROLE data_owner NOLOGIN');
  await createPostgresOperator(server);
  pg.Client.prototype.query = function loggedQuery(this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : '';
    if ((this as unknown as { user?: string }).user !== PG_OPERATOR.user) return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
    pgLog.push({ text, at: performance.now(), mutating: /^\s*(ALTER|DROP|REASSIGN|REVOKE|GRANT)\b|pg_terminate_backend/i.test(text) });
    return new Promise((resolve) => setTimeout(resolve, LATENCY_MS)).then(() => (originalQuery as (...a: unknown[]) => unknown).apply(this, args));
  } as typeof pg.Client.prototype.query;
}, 60_000);
afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  await Promise.all([world?.sandbox.close(), server?.stop()]);
});

/** A person with two access keys, a console password and a database role with a live session. */
async function departing(user: string) {
  await world.seed(user, { accessKeys: 2, loginProfile: true });
  await server.sql(`CREATE ROLE "${user}" LOGIN PASSWORD 'pw-${user}'`);
  const session = new pg.Client({ connectionString: server.url(user, `pw-${user}`) });
  session.on('error', () => {});
  await session.connect();
  const [key] = world.sandbox.state.users.get(user)!.accessKeys;
  return { session, key: key! };
}

/** Runs the engine in-process; every event is stamped with performance.now() when it happened. */
async function run(user: string, options: Partial<RunOptions> = {}, onEvent: (event: RunEvent) => void = () => {}) {
  const registry = builtinRegistry();
  const validation = validateText(runbook, registry);
  if (!validation.runbook) throw new Error(validation.diagnostics.map((d) => d.message).join('\n'));
  const plan = resolveRun(validation.runbook, registry, { user });
  const events = new RunEventStream();
  const recorder = new RunRecorder();
  const seen: Array<RunEvent & { at: number }> = [];
  // A real journal, as `revoke user` has: every request waits for its intent to be flushed (write-ahead).
  const journal = new JournalWriter(join(mkdtempSync(join(tmpdir(), 'contain-journal-')), 'run.journal.jsonl'));
  events.subscribe(journal.listener);
  events.subscribe(recorder.listener);
  events.subscribe((event) => {
    seen.push({ ...event, at: performance.now() });
    onEvent(event);
  });
  const iamFrom = world.sandbox.requests.length;
  const pgFrom = pgLog.length;
  world.sandbox.faults.latencyMs = LATENCY_MS;
  try {
    const outcome = await executeRun(plan, registry, events, {
      dryRun: false,
      concurrency: 8,
      detailedExitCode: false,
      env: { ...sandboxEnvironment(world.sandbox), REVOKE_PG_URL: server.url(PG_OPERATOR.user, PG_OPERATOR.password) },
      stop: new StopController(1000),
      confirm: async () => ({ approved: true, by: 'flag' }),
      confirmedUpFront: true,
      durable: () => journal.durable(),
      ...options,
    });
    return { outcome, record: recorder.record, events: seen, iam: world.sandbox.requests.slice(iamFrom), pg: pgLog.slice(pgFrom) };
  } finally {
    journal.close();
    world.sandbox.faults.latencyMs = 0;
  }
}

const discoveryEnd = (events: Array<RunEvent & { at: number }>, prefix: string) =>
  Math.max(...events.filter((e) => (e.type === 'discovery-finished' || e.type === 'discovery-failed') && e.stepId.startsWith(prefix)).map((e) => e.at));

/** An IAM call made with the person's own key: 'ok', or the error code AWS answers. */
async function useKey(user: string, key: { id: string; secret: string }): Promise<string> {
  const iam = new IAM({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
  return iam.getUser({ UserName: user }).then(
    () => 'ok',
    (error: { name?: string }) => error.name ?? 'error',
  );
}

const canLogIn = async (role: string) => (await server.sql('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]))[0]?.rolcanlogin as boolean | undefined;

describe('contain first', () => {
  it('with --yes, each provider gets its containment before discovery ends, and the access key is denied from then on', async () => {
    const { session, key } = await departing('alice');
    expect(await useKey('alice', key)).toBe('ok');
    // The person tries the key the moment the first AWS step's discovery ends.
    let duringDiscovery: Promise<string> | undefined;
    const { outcome, events, iam, pg: statements } = await run('alice', {}, (event) => {
      if (event.type === 'discovery-finished' && event.stepId.startsWith('aws-')) duringDiscovery ??= useKey('alice', key);
    });
    expect(outcome).toEqual({ status: 'completed', exitCode: 0 });

    // AWS: the deny-all and session-cutoff puts went out before discovery of either AWS step finished.
    const iamMutations = iam.filter((r) => r.mutating);
    expect(iamMutations.slice(0, 2).map((r) => `${r.action} ${String(r.params.PolicyName)}`).sort()).toEqual(['PutUserPolicy AWSRevokeOlderSessions', 'PutUserPolicy RevokeDenyAll']);
    expect(iamMutations[0]!.startedAt).toBeLessThan(discoveryEnd(events, 'aws-'));
    // Discovery waits for the containment to leave: only connect's identity check and the person's
    // reads connect started beside it (told the run's users) go first, in one round trip.
    const first = iam.filter((r) => r.startedAt < iamMutations[0]!.startedAt);
    expect(first.map((r) => r.action).sort()).toEqual(['GetCallerIdentity', 'GetUser', 'ListUserPolicies']);
    // And over the connections those reads opened (the read-only and the revoking IAM clients share
    // one pool): no new TCP (against AWS, TCP and TLS) handshake before the containment could leave.
    const warmed = new Set(first.filter((r) => r.service === 'iam').map((r) => r.clientPort));
    expect(iamMutations.slice(0, 2).every((r) => warmed.has(r.clientPort))).toBe(true);
    // Connect's reads are the run's read cache: neither containment nor either step reads them again.
    const operator = iam.filter((r) => r.accessKeyId === world.sandbox.operator.accessKeyId);
    expect(operator.filter((r) => r.action === 'ListUserPolicies' || r.action === 'GetUser').map((r) => r.action).sort()).toEqual(['GetUser', 'ListUserPolicies']);
    // Evidence off the critical path: no blast-radius read (key last use) went out before the containment.
    const evidence = iam.filter((r) => r.action === 'GetAccessKeyLastUsed');
    expect(evidence.length).toBeGreaterThan(0);
    expect(Math.min(...evidence.map((r) => r.startedAt))).toBeGreaterThanOrEqual(Math.min(...iamMutations.slice(0, 2).map((r) => r.startedAt)));
    // PostgreSQL: NOLOGIN, then terminate, both before discovery of either database step finished.
    const pgMutations = statements.filter((s) => s.mutating);
    expect(pgMutations.slice(0, 2).map((s) => s.text.split(' ')[0])).toEqual(['ALTER', 'SELECT']);
    expect(pgMutations[0]!.text).toMatch(/NOLOGIN$/);
    expect(pgMutations[1]!.at).toBeLessThan(discoveryEnd(events, 'db-'));

    // The effect, not only the calls: the key was refused while discovery still ran (deny-all), it
    // is deleted now, the session is gone and the role with it.
    expect(await duringDiscovery).toBe('AccessDenied');
    expect(await useKey('alice', key)).toBe('InvalidClientTokenId');
    await expect(session.query('SELECT 1')).rejects.toThrow();
    expect(await canLogIn('alice')).toBeUndefined(); // dropped by db-remove
  });

  it('lists each containment finding once in the plan and the report, applies it once, and lists the keys once', async () => {
    await departing('bob');
    const { record, events, iam } = await run('bob');
    const all = record.steps.flatMap((s) => s.findings.map((f) => ({ step: s.id, kind: f.kind, id: f.id, outcome: f.outcome, containment: f.containment ?? false })));
    const containment = all.filter((f) => f.containment);
    expect(containment).toEqual([
      { step: 'aws-contain', kind: 'sessions', id: 'user/bob', outcome: 'revoked', containment: true },
      { step: 'aws-contain', kind: 'user', id: 'deny-all', outcome: 'revoked', containment: true },
      { step: 'db-contain', kind: 'login', id: 'login', outcome: 'revoked', containment: true },
      { step: 'db-contain', kind: 'sessions', id: 'sessions', outcome: 'revoked', containment: true },
    ]);
    // Not again in the removal steps, and each sent once.
    expect(all.filter((f) => f.id === 'deny-all' || f.id === 'user/bob' || f.id === 'login' || f.id === 'sessions')).toHaveLength(4);
    expect(iam.filter((r) => r.action === 'PutUserPolicy')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'revoke-started' && e.findingId === 'login')).toHaveLength(1);
    // Discover once: both AWS steps list the access keys; the read cache sends one ListAccessKeys.
    expect(iam.filter((r) => r.action === 'ListAccessKeys')).toHaveLength(1);
    expect(record.totals.failed).toBe(0);
    expect(record.totals.findings).toBe(all.length);
  });

  it('a dry run lists the containment and sends nothing that changes anything', async () => {
    const { session, key } = await departing('carol');
    const { outcome, record, iam, pg: statements } = await run('carol', { dryRun: true, confirmedUpFront: false });
    expect(outcome.exitCode).toBe(0);
    expect(record.steps.flatMap((s) => s.findings.filter((f) => f.containment).map((f) => `${s.id}/${f.kind}/${f.outcome}`))).toEqual([
      'aws-contain/sessions/planned',
      'aws-contain/user/planned',
      'db-contain/login/planned',
      'db-contain/sessions/planned',
    ]);
    // The live session's evidence is still a warning of the plan.
    expect(record.warnings.some((w) => w.startsWith('db-contain: carol has 1 live session'))).toBe(true);
    expect(iam.filter((r) => r.mutating)).toEqual([]);
    expect(statements.filter((s) => s.mutating)).toEqual([]);
    expect(await useKey('carol', key)).toBe('ok');
    expect(await canLogIn('carol')).toBe(true);
    await session.end();
  });

  it('prompted: discovery and the plan first, then containment the moment it is approved, before any other change', async () => {
    await departing('dave');
    let approvedAt = 0;
    const { outcome, iam, events } = await run('dave', {
      confirmedUpFront: false,
      confirm: async () => {
        approvedAt = performance.now();
        return { approved: true, by: 'prompt' };
      },
    });
    expect(outcome.exitCode).toBe(0);
    expect(approvedAt).toBeGreaterThanOrEqual(discoveryEnd(events, ''));
    const mutations = iam.filter((r) => r.mutating);
    expect(mutations[0]!.startedAt).toBeGreaterThanOrEqual(approvedAt);
    expect(mutations.slice(0, 2).map((r) => String(r.params.PolicyName)).sort()).toEqual(['AWSRevokeOlderSessions', 'RevokeDenyAll']);
    // Everything else of the step waits for the containment to answer.
    const firstOther = mutations.find((r) => r.action !== 'PutUserPolicy')!;
    expect(firstOther.startedAt).toBeGreaterThanOrEqual(Math.max(...mutations.slice(0, 2).map((r) => r.finishedAt)));
  });

  it('protect and the self-lockout guard stop the run before any containment', async () => {
    expect(() => resolveRun(validateText(runbook, builtinRegistry()).runbook!, builtinRegistry(), { user: 'break-glass' })).toThrow(InvalidInputError);
    const before = world.sandbox.requests.length;
    await expect(run('revoke-operator')).rejects.toThrow(/the identity revoke itself is running as on aws/);
    expect(world.sandbox.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
    expect(world.sandbox.state.users.get('revoke-operator')!.inlinePolicies.size).toBe(0);
  });

  it('a provider that cannot connect: no containment starts after the failure, and the error claims none', async () => {
    const { key } = await departing('gina');
    // PostgreSQL is unreachable: it fails at once, before AWS has answered GetCallerIdentity.
    const failed = run('gina', { env: { ...sandboxEnvironment(world.sandbox), REVOKE_PG_URL: 'postgres://nobody:x@127.0.0.1:1/none' } });
    await expect(failed).rejects.toThrow(/cannot connect to PostgreSQL for provider db/);
    await expect(failed).rejects.not.toThrow(/containment had already been sent/);
    expect(await useKey('gina', key)).toBe('ok');
  });

  it('a superuser role is not contained: the run is refused (exit 2) and it can still log in', async () => {
    await world.seed('erin', { accessKeys: 1 });
    await server.sql(`CREATE ROLE erin SUPERUSER LOGIN PASSWORD 'pw-erin'`);
    const from = pgLog.length;
    await expect(run('erin')).rejects.toThrow(/erin is a superuser in postgres; revoke refuses superusers unless the step says so\n\(containment had already been sent first: 2 findings/);
    expect(pgLog.slice(from).filter((s) => s.mutating)).toEqual([]);
    expect(await canLogIn('erin')).toBe(true);
  });

  it('a failing containment is recorded, its step does nothing else and fails, and the rest of the run carries on', async () => {
    const { key } = await departing('frank');
    const operator = world.sandbox.state.users.get('revoke-operator')!;
    operator.inlinePolicies.set('no-put', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:PutUserPolicy', Resource: '*' }] }));
    try {
      const { outcome, record } = await run('frank');
      expect(outcome).toEqual({ status: 'failed', exitCode: 1 });
      const step = (id: string) => record.steps.find((s) => s.id === id)!;
      expect(step('aws-contain').status).toBe('failed');
      expect(step('aws-contain').findings.filter((f) => f.containment).map((f) => f.outcome)).toEqual(['failed', 'failed']);
      expect(step('aws-contain').findings.find((f) => f.containment)!.error).toMatch(/AccessDenied/);
      expect(step('aws-contain').findings.filter((f) => !f.containment).every((f) => f.outcome === 'not-run')).toBe(true);
      expect(step('aws-remove').status).toBe('skipped');
      expect([step('db-contain').status, step('db-remove').status]).toEqual(['succeeded', 'succeeded']);
      expect(await useKey('frank', key)).toBe('ok'); // honest: nothing on AWS worked
    } finally {
      operator.inlinePolicies.delete('no-put');
    }
  });
});
