import { IAM } from '@aws-sdk/client-iam';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { readJournal } from '../../src/report/journal.js';
import { githubSandboxEnvironment, seedGitHubUser, seedOrg } from '../../src/sandbox/github/seed.js';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { sandboxEnvironment, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { runCli, writeTemp } from '../support/cli.js';
import { specViolations } from '../support/openapi.js';
import { decodeStatement, reportFiles } from '../support/reports.js';
import { createPostgresOperator } from '../support/worlds.js';

// One world for the file: the IAM and GitHub sandboxes and a throwaway PostgreSQL cluster.
let iamSandbox: IamSandbox;
let github: GitHubSandbox;
let postgres: PostgresServer;
let iam: IAM;
let env: NodeJS.ProcessEnv;
const sessions: pg.Client[] = [];
beforeAll(async () => {
  [iamSandbox, github, postgres] = await Promise.all([startIamSandbox({ seed: 19 }), startGitHubSandbox(), startPostgres()]);
  iam = sandboxIamClient(iamSandbox);
  const token = seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['org-owner-bot'] });
  await postgres.sql('CREATE ROLE data_owner NOLOGIN');
  await postgres.sql('CREATE ROLE analysts NOLOGIN');
  const operatorUrl = await createPostgresOperator(postgres);
  env = { ...sandboxEnvironment(iamSandbox), ...githubSandboxEnvironment(github, token), DATABASE_URL: operatorUrl };
}, 60_000);
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
  await Promise.all([iamSandbox?.close(), github?.close(), postgres?.stop()]);
  // Every GitHub exchange of the file, restore's invitations included, matches GitHub's OpenAPI description.
  expect(github.exchanges.flatMap(specViolations)).toEqual([]);
});

const runbookText = (protect = '') => `version: 1
name: contain
providers:
  aws:
    type: aws-iam
  gh:
    type: github
    org: acme
    writeIntervalMs: 0
  db:
    type: postgres
    connectionStringEnv: DATABASE_URL
protect:
  gh: [org-owner-bot]${protect}
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    mode: disable
    revoke: [sessions, access-keys, login-profile, user]
  - id: db-contain
    provider: db
    user: "{{user}}"
    mode: disable
    revoke: [login, sessions]
  - id: gh-access
    provider: gh
    user: "{{user}}"
    revoke: [repo-collaborator, org-membership]
    scanRepos: true
    dependsOn: [aws-contain]
`;

/** A person with access in all three: two IAM keys (the second already Inactive), a PostgreSQL role, GitHub membership with teams and repo access. */
async function person(name: string) {
  await seedUser(iam, name, { loginProfile: true });
  const keys: Array<{ accessKeyId: string; secretAccessKey: string }> = [];
  for (let i = 0; i < 2; i++) {
    const key = (await iam.createAccessKey({ UserName: name })).AccessKey!;
    keys.push({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  }
  await iam.updateAccessKey({ UserName: name, AccessKeyId: keys[1]!.accessKeyId, Status: 'Inactive' });
  seedGitHubUser(github, 'acme', { login: name, role: 'member', teams: ['platform', 'oncall'], repoCollaborator: ['infra'] });
  await postgres.sql(`CREATE ROLE "${name}" LOGIN PASSWORD 'person-pw'`);
  // An open session, which containment terminates (and restore cannot bring back).
  const session = new pg.Client({ connectionString: postgres.url(name, 'person-pw') });
  session.on('error', () => {});
  await session.connect();
  sessions.push(session);
  return { keys, as: (i: number) => new IAM({ endpoint: iamSandbox.endpoint, region: 'us-east-1', credentials: keys[i]!, maxAttempts: 1 }) };
}

/** Contains `name` with the runbook (a real run), in a fresh folder; returns the report, the runbook and the signing home. */
async function contain(name: string) {
  const home = mkdtempSync(join(tmpdir(), 'revoke-restore-'));
  const runbook = writeTemp('contain.yaml', runbookText());
  const reports = join(home, 'reports');
  const run = await runCli(['user', name, '-r', runbook, '--yes', '--report', reports], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
  expect(run.code, run.stderr).toBe(0);
  return { home, runbook, reports, report: reportFiles(reports).reports[0]! };
}

const restore = (args: string[], home: string, extra: NodeJS.ProcessEnv = {}) => runCli(['restore', ...args], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home, ...extra } });

const canLogIn = async (role: string, password: string) => {
  const client = new pg.Client({ connectionString: postgres.url(role, password) });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const iamMutations = (from: number) => iamSandbox.requests.slice(from).filter((r) => !/^(Get|List)/.test(r.action));

describe('revoke restore: undo a disable-mode containment across aws-iam, postgres and github', () => {
  it('a dry run sends nothing mutating; the real restore gives back exactly what was there, and the report verifies', async () => {
    const { keys, as } = await person('rita');
    await as(0).getUser({ UserName: 'rita' });
    const { home, reports, report } = await contain('rita');
    await expect(as(0).getUser({ UserName: 'rita' })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    expect(await canLogIn('rita', 'person-pw')).toBe(false);
    expect(github.state.orgs.get('acme')!.members.has('rita')).toBe(false);

    // Dry run: reads only, on every provider.
    const iamBefore = iamSandbox.requests.length;
    const ghBefore = github.exchanges.length;
    const dry = await restore([report, '--dry-run', '--json'], home);
    expect(dry.code, dry.stderr).toBe(0);
    expect(iamMutations(iamBefore)).toEqual([]);
    expect(github.exchanges.slice(ghBefore).map((e) => e.method).filter((m) => m !== 'GET')).toEqual([]);
    expect(await canLogIn('rita', 'person-pw')).toBe(false);
    const plan = JSON.parse(dry.stdout);
    const planned = plan.steps.flatMap((s: { id: string; findings: Array<{ kind: string; outcome: string }> }) => s.findings.map((f) => `${s.id} ${f.kind} ${f.outcome}`));
    expect(planned.sort()).toEqual(
      [
        'aws-contain sessions kept',
        'aws-contain access-keys planned',
        'aws-contain login-profile not-restorable',
        'aws-contain user planned',
        'db-contain login planned',
        'db-contain sessions not-restorable',
        'gh-access org-membership planned',
        'gh-access repo-collaborator planned',
      ].sort(),
    );
    const result = await restore([report, '--yes', '--json'], home);
    expect(result.code, result.stderr).toBe(0);
    // The plan it confirmed (human text on stderr with --json) lists the deletions up front, with the exact command to use instead.
    expect(result.stderr.indexOf('These cannot be restored:')).toBeLessThan(result.stderr.indexOf('aws-contain (aws'));
    expect(result.stderr).toContain('instead: aws iam create-login-profile --user-name rita --password-reset-required');
    const json = JSON.parse(result.stdout);
    const outcomes = Object.fromEntries(json.steps.flatMap((s: { id: string; findings: Array<{ kind: string; outcome: string }> }) => s.findings.map((f) => [`${s.id} ${f.kind}`, f.outcome])));
    expect(outcomes).toMatchObject({ 'aws-contain access-keys': 'restored', 'aws-contain user': 'restored', 'db-contain login': 'restored', 'gh-access org-membership': 'invited', 'gh-access repo-collaborator': 'invited' });

    // The reactivated key works again; the key that was Inactive before is still Inactive and refused.
    await as(0).getUser({ UserName: 'rita' });
    await as(0).listUsers({});
    await expect(as(1).getUser({ UserName: 'rita' })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const statuses = (await iam.listAccessKeys({ UserName: 'rita' })).AccessKeyMetadata!.map((k) => [k.AccessKeyId, k.Status]);
    expect(statuses).toEqual([
      [keys[0]!.accessKeyId, 'Active'],
      [keys[1]!.accessKeyId, 'Inactive'],
    ]);
    // The session cutoff stays (without --also-sessions-policy); the console password stays deleted.
    expect((await iam.listUserPolicies({ UserName: 'rita' })).PolicyNames).toEqual(['AWSRevokeOlderSessions']);
    await expect(iam.getLoginProfile({ UserName: 'rita' })).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    // The role logs in again with its password.
    expect(await canLogIn('rita', 'person-pw')).toBe(true);
    // GitHub: re-invited with the prior role and teams; once accepted, the membership is what it was.
    const org = github.state.orgs.get('acme')!;
    const invitation = org.invitations.find((i) => i.login === 'rita')!;
    expect(invitation.role).toBe('direct_member');
    expect(invitation.teamIds!.sort()).toEqual(['platform', 'oncall'].map((slug) => org.teams.get(slug)!.id).sort());
    expect(org.repos.get('infra')!.invitations!.map((i) => [i.login, i.permission])).toEqual([['rita', 'admin']]);

    // The restore report: signed, its own journal, naming the original report by sha256, verified.
    // Next to the original, by default (dry runs leave signed restore reports too).
    const restoreReport: string = json.report.path;
    expect(reportFiles(reports).reports).toContain(restoreReport);
    const statement = decodeStatement(readFileSync(restoreReport, 'utf8'));
    expect(statement.predicateType).toBe('urn:revoke:restore:v1');
    expect(statement.predicate.restored.report).toBe(report.split('/').pop());
    expect(statement.predicate.restored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(statement.predicate.notRestorable.map((n: { kind: string }) => n.kind).sort()).toEqual(['login-profile', 'sessions']);
    const verified = await runCli(['verify', restoreReport], builtinRegistry(), { env: { XDG_CONFIG_HOME: home } });
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/valid: restore of run .* for rita \(real run\): 3 restored, 2 invited, 0 conflicts, 2 not restorable \(exit 0\)/);
    const shown = await runCli(['report', 'show', restoreReport], builtinRegistry(), { env: { XDG_CONFIG_HOME: home } });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Restore of rita from');
    expect(shown.stdout).toContain('✓ restored  role rita can log in: LOGIN');
    // The engine's order reversed: gh-access depended on aws-contain, so it is restored first.
    const journal = readJournal(json.report.journal).records as Array<{ type: string; stepId?: string }>;
    const started = journal.filter((r) => r.type === 'step-started').map((r) => r.stepId);
    expect(started.indexOf('gh-access')).toBeLessThan(started.indexOf('aws-contain'));
    const finished = journal.filter((r) => r.type === 'step-finished').map((r) => r.stepId);
    expect(finished.indexOf('gh-access')).toBeLessThan(started.indexOf('aws-contain'));
  }, 60_000);

  it('a key deleted in between is reported as a conflict, not forced; the rest is restored (--also-sessions-policy: the cutoff too); exit 1', async () => {
    const { keys } = await person('conrad');
    const { home, report } = await contain('conrad');
    await iam.deleteAccessKey({ UserName: 'conrad', AccessKeyId: keys[0]!.accessKeyId });
    const result = await restore([report, '--yes', '--json', '--only', 'aws-contain', '--only', 'db-contain', '--also-sessions-policy'], home);
    expect(result.code, result.stderr).toBe(1);
    const json = JSON.parse(result.stdout);
    const keyFinding = json.steps[0].findings.find((f: { kind: string }) => f.kind === 'access-keys');
    expect(keyFinding).toMatchObject({ outcome: 'conflict', detail: `access key ${keys[0]!.accessKeyId} no longer exists (deleted since the run)` });
    expect(json.status).toBe('failed');
    // The rest proceeded: the deny-all policy is off (and, with --also-sessions-policy, the session cutoff), and the role logs in again.
    expect(json.steps[0].findings.find((f: { kind: string }) => f.kind === 'sessions')).toMatchObject({ outcome: 'restored', detail: 'AWSRevokeOlderSessions removed' });
    expect((await iam.listUserPolicies({ UserName: 'conrad' })).PolicyNames).toEqual([]);
    expect(await canLogIn('conrad', 'person-pw')).toBe(true);
  }, 60_000);

  it('a run that also deleted the user: nothing of it is restorable, said once per finding, and that is no conflict (exit 0)', async () => {
    await seedUser(iam, 'olga', { accessKeys: 1, groups: ['developers'] });
    const home = mkdtempSync(join(tmpdir(), 'revoke-restore-'));
    const offboarding = `version: 1
name: offboard
providers:
  aws:
    type: aws-iam
steps:
  - id: aws-contain
    provider: aws
    user: "{{user}}"
    mode: disable
    revoke: [access-keys, user]
  - id: aws-remove
    provider: aws
    user: "{{user}}"
    mode: delete
    revoke: [all]
    dependsOn: [aws-contain]
`;
    const run = await runCli(['user', 'olga', '-r', writeTemp('offboard.yaml', offboarding), '--yes', '--report', join(home, 'reports')], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    const result = await restore([reportFiles(join(home, 'reports')).reports[0]!, '--yes', '--json'], home);
    expect(result.code, result.stderr).toBe(0);
    const findings = JSON.parse(result.stdout).steps.flatMap((s: { id: string; findings: Array<{ kind: string; id: string; outcome: string; detail: string }> }) => s.findings.map((f) => ({ step: s.id, ...f })));
    expect(findings.map((f: { step: string; kind: string; outcome: string }) => `${f.step} ${f.kind} ${f.outcome}`)).toEqual([
      // In restore order: aws-remove depended on aws-contain, so it comes first.
      'aws-remove sessions not-restorable',
      'aws-remove access-keys not-restorable',
      'aws-remove user not-restorable',
      'aws-remove groups not-restorable',
      'aws-remove user not-restorable',
      'aws-contain user not-restorable',
      'aws-contain access-keys not-restorable',
    ]);
    expect(findings.find((f: { step: string; kind: string }) => f.step === 'aws-contain' && f.kind === 'user').detail).toBe(
      'the run removed olga itself (aws-remove: IAM user olga itself); this went with it',
    );
    expect(result.stderr).toContain('instead: aws iam create-user --user-name olga');
  }, 60_000);

  it('a delete-mode run that stopped before DeleteUser leaves the user held by AWSDenyAll; restore says so (conflict, exit 1) until the operator removes that boundary', async () => {
    await seedUser(iam, 'hugo', {});
    const key = (await iam.createAccessKey({ UserName: 'hugo' })).AccessKey!;
    const asHugo = new IAM({ endpoint: iamSandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
    const home = mkdtempSync(join(tmpdir(), 'revoke-restore-'));
    // The step does not list access-keys, so DeleteUser meets the key and fails: the run stops between.
    const userOnly = `version: 1
name: remove-user
providers:
  aws:
    type: aws-iam
steps:
  - id: aws-remove
    provider: aws
    user: "{{user}}"
    mode: delete
    revoke: [user]
`;
    const run = await runCli(['user', 'hugo', '-r', writeTemp('remove-user.yaml', userOnly), '--yes', '--report', join(home, 'reports')], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
    expect(run.code, run.stderr).toBe(1);
    const held = iamSandbox.state.users.get('hugo')!;
    expect([held.boundary, [...held.inlinePolicies.keys()]]).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll', []]);
    // Contained all the same: the key is still active, the boundary denies it.
    await expect(asHugo.getUser({ UserName: 'hugo' })).rejects.toMatchObject({ name: 'AccessDenied' });

    const report = reportFiles(join(home, 'reports')).reports[0]!;
    const refused = await restore([report, '--yes', '--json'], home);
    expect(refused.code, refused.stderr).toBe(1);
    const findings = JSON.parse(refused.stdout).steps[0].findings as Array<{ id: string; outcome: string; detail: string }>;
    const finding = findings.find((f) => f.id === 'deny-all-boundary')!;
    expect(finding).toMatchObject({ outcome: 'conflict' });
    expect(finding.detail).toContain('still held by the AWSDenyAll permissions boundary');
    expect(finding.detail).toContain('aws iam delete-user-permissions-boundary --user-name hugo');
    expect(held.boundary).toBe('arn:aws:iam::aws:policy/AWSDenyAll');

    await iam.deleteUserPermissionsBoundary({ UserName: 'hugo' });
    const again = await restore([report, '--yes', '--json'], home);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).steps[0].findings.find((f: { id: string }) => f.id === 'deny-all-boundary')).toMatchObject({ outcome: 'already-restored' });
    await asHugo.getUser({ UserName: 'hugo' });
  }, 60_000);

  it('a role that was already NOLOGIN before the run stays NOLOGIN after restore', async () => {
    await person('nora');
    // Someone disabled the login by hand; her old session is still open. The run only terminates that session.
    await postgres.sql('ALTER ROLE nora NOLOGIN');
    const home = mkdtempSync(join(tmpdir(), 'revoke-restore-'));
    const run = await runCli(['user', 'nora', '-r', writeTemp('contain.yaml', runbookText()), '--yes', '--only', 'db-contain', '--report', join(home, 'reports'), '--json'], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).steps[0].findings.map((f: { kind: string; outcome: string }) => `${f.kind}:${f.outcome}`)).toEqual(['sessions:revoked']);
    const result = await restore([reportFiles(join(home, 'reports')).reports[0]!, '--yes', '--json'], home);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).steps[0].findings.map((f: { kind: string; outcome: string }) => `${f.kind}:${f.outcome}`)).toEqual(['sessions:not-restorable']);
    expect(await postgres.sql<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', ['nora'])).toEqual([{ rolcanlogin: false }]);
    expect(await canLogIn('nora', 'person-pw')).toBe(false);
  }, 60_000);

  it('revoke watch on the original report knows about the restore: use after it is listed, not counted; attempts before it still count', async () => {
    const { as } = await person('walt');
    const home = mkdtempSync(join(tmpdir(), 'revoke-restore-'));
    const runbook = writeTemp('contain.yaml', runbookText());
    const run = await runCli(['user', 'walt', '-r', runbook, '--yes', '--only', 'aws-contain', '--report', join(home, 'reports')], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    const report = reportFiles(join(home, 'reports')).reports[0]!;
    await expect(as(0).listUsers({})).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    expect((await restore([report, '--yes'], home)).code).toBe(0);
    await as(0).listUsers({});
    const watch = await runCli(['watch', report, '--json', '--report', join(home, 'watch')], builtinRegistry(), { env: { ...env, XDG_CONFIG_HOME: home } });
    const json = JSON.parse(watch.stdout);
    expect(watch.code, watch.stderr).toBe(3);
    const shown = json.events.map((e: { what: string; outcome: string; afterRestore?: string }) => [e.what.replace(/ with access key \w+/, ''), e.outcome, Boolean(e.afterRestore)]);
    expect(shown).toEqual([
      ['iam.amazonaws.com ListUsers in us-east-1: InvalidClientTokenId', 'denied', false],
      ['iam.amazonaws.com ListUsers in us-east-1', 'allowed', true],
    ]);
  }, 60_000);

  it('a person protected since the run is a conflict (with -r naming the changed runbook); a report that does not verify is refused (exit 2)', async () => {
    await person('pia');
    const { home, report, runbook } = await contain('pia');
    const changed = writeTemp('contain.yaml', runbookText('\n  db: [pia]'));
    const planOut = join(home, 'restore-plan.json');
    const unchanged = await restore([report, '--dry-run', '--json', '-r', runbook, '--plan-out', planOut], home);
    expect(unchanged.code).toBe(0);
    const saved = JSON.parse(readFileSync(planOut, 'utf8'));
    expect(saved.restored.sha256).toBe(JSON.parse(unchanged.stdout).restored.sha256);
    expect(saved.steps.map((s: { id: string }) => s.id)).toEqual(['db-contain', 'gh-access', 'aws-contain']);
    // No terminal and no --yes: refused before anything connects (exit 2), never a prompt.
    const unconfirmed = await restore([report], home);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('fix: pass --yes to confirm non-interactively, or --dry-run');
    const result = await restore([report, '--dry-run', '--json', '-r', changed, '--only', 'db-contain'], home);
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout).steps[0].findings.map((f: { outcome: string; detail: string }) => [f.outcome, f.detail])).toEqual([
      ['conflict', 'pia is protected on db now (protect: in the runbook); not restored'],
      ['conflict', 'pia is protected on db now (protect: in the runbook); not restored'],
    ]);
    const foreign = await restore([report, '--dry-run'], mkdtempSync(join(tmpdir(), 'revoke-other-key-')));
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('refusing to restore from');
  }, 60_000);
});
