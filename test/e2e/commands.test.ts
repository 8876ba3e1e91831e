import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAM } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKmsSandbox, type KmsSandbox } from '../../src/sandbox/kms/server.js';
import { decodeStatement, reportFiles } from '../support/reports.js';
import { runBin, type SpawnResult } from '../support/spawn.js';
import { startThreeProviders, type ThreeProviders } from '../support/worlds.js';
import { testRsaKeyPair } from '../support/rsa-key.js';

/**
 * Every command, and every provider path that loads code lazily, through the shipped artifact:
 * `node bin/revoke.js` runs dist/ (the esbuild bundle), against the sandboxes in this process.
 * What the in-process tests prove on src/ must also hold here (a bundling mistake once broke
 * `revoke watch` while every in-process test passed).
 */
let world: ThreeProviders;
let kms: KmsSandbox;
let dir: string;
let signer: { key: string; pub: string };
const DEMO = 'test/fixtures/three-providers.yaml';

beforeAll(async () => {
  [world, kms] = await Promise.all([startThreeProviders(), startKmsSandbox()]);
  dir = mkdtempSync(join(tmpdir(), 'revoke-e2e-'));
  signer = { key: join(dir, 'signer.key'), pub: join(dir, 'signer.pub') };
  const keygen = await bin(['keygen', '--out', join(dir, 'signer')]);
  expect(keygen.code, keygen.stderr).toBe(0);
}, 60_000);
afterAll(async () => Promise.all([world?.close(), kms?.close()]));

/** The binary with the three providers' environment; reports signed with the test key. */
function bin(args: string[], extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<SpawnResult> {
  return runBin(args, { env: { ...world.env, ...extraEnv }, timeoutMs });
}
const signed = (reports: string) => ['--report', reports, '--sign-key', signer.key];
const noSecrets = (result: SpawnResult) => expect(result.stdout + result.stderr).not.toMatch(/sandbox-secret|departing-pw|operator-pw|ghp_|-----BEGIN/);
const noStrayWarnings = (result: SpawnResult) => expect(result.stderr).not.toMatch(/\(node:\d+\)|DeprecationWarning|NodeVersionSupport|internal error/);

async function verified(report: string): Promise<SpawnResult> {
  const result = await bin(['verify', report, '--key', signer.pub]);
  expect(result.code, result.stdout).toBe(0);
  expect(result.stdout).not.toContain('✗');
  return result;
}

describe('revoke user through the binary: aws-iam, github and postgres in one run', () => {
  it('dry run, real run, verify, report show: everything revoked, the revoked key and session denied', async () => {
    await world.seed('e2e-all');
    const key = world.iam.state.users.get('e2e-all')!.accessKeys[0]!;
    const reports = join(dir, 'all');
    const dry = await bin(['user', 'e2e-all', '-r', DEMO, '--dry-run', '--json', '--detailed-exitcode', ...signed(reports)]);
    expect(dry.code, dry.stderr).toBe(3);
    const planned = JSON.parse(dry.stdout);
    expect(planned.actors.map((a: { providerType: string }) => a.providerType).sort()).toEqual(['aws-iam', 'github', 'postgres']);

    const real = await bin(['user', 'e2e-all', '-r', DEMO, '--yes', '--json', ...signed(reports)]);
    expect(real.code, real.stderr).toBe(0);
    noSecrets(real);
    noStrayWarnings(real);
    const result = JSON.parse(real.stdout);
    expect(result).toMatchObject({ status: 'completed', totals: { failed: 0 } });
    expect(await world.remaining('e2e-all')).toEqual({ iamUser: false, githubMember: false, postgresRole: false, postgresSessions: 0 });
    const attacker = new IAM({ endpoint: world.iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    await expect(attacker.listUsers({})).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    // The table the role owned survived, now owned by data_owner.
    expect(await world.postgres.sql('SELECT tableowner FROM pg_tables WHERE tablename = $1', ['e2e-all_reports'])).toEqual([{ tableowner: 'data_owner' }]);

    const verification = await verified(result.report.path);
    expect(verification.stdout).toMatch(/valid: run \S+ for e2e-all \(real run, completed\)/);
    const text = await bin(['report', 'show', result.report.path, '--key', signer.pub]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('e2e-all');
    const md = await bin(['report', 'show', result.report.path, '--format', 'md', '--key', signer.pub]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^#/m);
  }, 60_000);
});

describe('revoke apply and verify of a plan, through the binary', () => {
  it('a signed plan is applied exactly; --allow-drift revokes what remains and reports the new finding', async () => {
    await world.seed('e2e-plan', { iam: { accessKeys: 1, groups: ['plan-group'] } });
    const reports = join(dir, 'plan');
    const plan = join(dir, 'e2e-plan.plan.json');
    const dry = await bin(['user', 'e2e-plan', '-r', DEMO, '--dry-run', '--plan-out', plan, ...signed(reports)]);
    expect(dry.code, dry.stderr).toBe(0);
    const saved = decodeStatement(readFileSync(plan, 'utf8'));
    const approved = saved.steps.flatMap((s: { id: string; findings: Array<{ id: string }> }) => s.findings.map((f) => `${s.id}/${f.id}`));

    // The world changes after review: a new access key appears.
    const extra = world.iam.state.createAccessKey('e2e-plan');
    const refused = await bin(['apply', plan, '--yes', '--key', signer.pub, ...signed(reports)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(extra.id);
    expect(world.iam.state.users.has('e2e-plan')).toBe(true);
    expect(world.iam.state.users.get('e2e-plan')!.accessKeys.every((k) => k.status === 'Active')).toBe(true);

    const drift = await bin(['apply', plan, '--yes', '--allow-drift', '--json', '--key', signer.pub, ...signed(reports)]);
    const result = JSON.parse(drift.stdout);
    type Outcome = { id: string; kind: string; outcome: string; error?: string; at: string };
    const findings: Outcome[] = result.steps.flatMap((s: { id: string; findings: Outcome[] }) => s.findings.map((f) => ({ ...f, at: `${s.id}/${f.id}` })));
    // The new key is not touched, and is reported as not approved.
    const unplanned = findings.filter((f) => f.id === extra.id);
    expect(unplanned.length).toBeGreaterThan(0);
    expect(unplanned.map((f) => f.outcome)).toEqual(unplanned.map(() => 'skipped'));
    expect(JSON.stringify(unplanned)).toContain('not in the approved plan');
    expect(world.iam.state.users.get('e2e-plan')?.accessKeys.find((k) => k.id === extra.id)?.status).toBe('Active');
    // Every other approved finding is gone; the IAM user itself cannot be deleted while the
    // unapproved key exists: that fails, honestly, and the exit code says so.
    const approvedOutcomes = findings.filter((f) => approved.includes(f.at));
    expect(approvedOutcomes.filter((f) => f.at !== 'aws-remove/delete-user' && f.outcome !== 'revoked' && f.outcome !== 'already-gone')).toEqual([]);
    const userDelete = approvedOutcomes.find((f) => f.at === 'aws-remove/delete-user')!;
    expect(userDelete.outcome).toBe('failed');
    expect(userDelete.error).toContain(extra.id);
    expect(drift.code).toBe(1);
    expect(await world.remaining('e2e-plan')).toMatchObject({ githubMember: false, postgresRole: false, postgresSessions: 0, iamUser: true });
    await verified(result.report.path);

    const planCheck = await bin(['verify', plan, '--key', signer.pub]);
    expect(planCheck.code, planCheck.stdout + planCheck.stderr).toBe(0);
    expect(planCheck.stdout).toContain('valid: plan for e2e-plan with runbook three-providers');
    noStrayWarnings(planCheck);
    const tampered = join(dir, 'tampered.plan.json');
    const envelope = JSON.parse(readFileSync(plan, 'utf8'));
    writeFileSync(tampered, JSON.stringify({ ...envelope, payload: Buffer.from(Buffer.from(envelope.payload, 'base64').toString().replace('e2e-plan', 'e2e-plaN')).toString('base64') }));
    const forged = await bin(['verify', tampered, '--key', signer.pub]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain('INVALID');
  }, 90_000);
});

describe('revoke audit through the binary', () => {
  it('exit 3 naming who still has access on which provider; the signed audit report verifies', async () => {
    await world.seed('e2e-audit', { iam: { accessKeys: 1 } });
    const users = join(dir, 'departed.txt');
    writeFileSync(users, 'e2e-audit\nnobody-here\n');
    const reports = join(dir, 'audit');
    const audit = await bin(['audit', '-r', DEMO, '--users', users, '--format', 'json', ...signed(reports)]);
    expect(audit.code, audit.stderr).toBe(3);
    noStrayWarnings(audit);
    const json = JSON.parse(audit.stdout);
    expect(JSON.stringify(json)).toContain('e2e-audit');
    const verification = await verified(json.report);
    expect(verification.stdout).toContain('valid');
  }, 60_000);

  it('exit 4 (incomplete, never quiet) when GitHub could not be checked and nobody it did check has access', async () => {
    const users = join(dir, 'departed-clean.txt');
    writeFileSync(users, 'nobody-here\nnobody-either\n');
    const readOnlyToken = world.github.state.addToken('outsider', ['repo']);
    const audit = await bin(['audit', '-r', DEMO, '--users', users, '--format', 'json', ...signed(join(dir, 'audit-incomplete'))], { GITHUB_TOKEN: readOnlyToken });
    expect(audit.code, audit.stderr).toBe(4);
    expect(JSON.parse(audit.stdout).failedProviders.map((p: { provider: string }) => p.provider)).toEqual(['gh']);
  }, 60_000);
});

describe('revoke watch through the binary (lazy CloudTrail, GitHub audit log, postgres)', () => {
  it('aws-iam: CloudTrail and key last-use see an attempt with the revoked key (exit 3); github and postgres are read too', async () => {
    await world.seed('e2e-watch', { iam: { accessKeys: 1 } });
    const key = world.iam.state.users.get('e2e-watch')!.accessKeys[0]!;
    const reports = join(dir, 'watch');
    const contain = await bin(['user', 'e2e-watch', '-r', DEMO, '--yes', '--only', 'aws-contain', '--only', 'github-credentials', '--only', 'github-membership', '--only', 'db-contain', '--json', ...signed(reports)]);
    expect(contain.code, contain.stderr).toBe(0);
    const report = JSON.parse(contain.stdout).report.path;

    const quiet = await bin(['watch', report, '--key', signer.pub, '--json', ...signed(join(dir, 'watch-reports'))]);
    noStrayWarnings(quiet);
    expect(quiet.code, quiet.stderr).toBe(0);

    const attacker = new IAM({ endpoint: world.iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    await expect(attacker.getUser({ UserName: 'e2e-watch' })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    world.github.state.orgs.get('acme')!.auditLog!.push({ id: 'e2e-watch-zip', actor: 'e2e-watch', action: 'repo.download_zip', at: new Date() });

    const seen = await bin(['watch', report, '--key', signer.pub, '--json', ...signed(join(dir, 'watch-reports'))]);
    expect(seen.code, seen.stderr).toBe(3);
    noSecrets(seen);
    const events = JSON.parse(seen.stdout).events as Array<{ provider: string; what: string }>;
    expect(events.filter((e) => e.provider === 'aws').map((e) => e.what)).toContain(`iam.amazonaws.com GetUser in us-east-1 with access key ${key.id}: InvalidClientTokenId`);
    expect(events.filter((e) => e.provider === 'gh').map((e) => e.what)).toContain('GitHub audit log: repo.download_zip by e2e-watch');
    const watchReport = reportFiles(join(dir, 'watch-reports')).reports.at(-1)!;
    const verification = await verified(watchReport);
    expect(verification.stdout).toContain('valid');
    expect(decodeStatement(readFileSync(watchReport, 'utf8')).predicateType).toBe('urn:revoke:watch:v1');
  }, 60_000);
});

describe('GitHub App authentication through the binary (lazy @octokit/auth-app)', () => {
  it('a dry run as an App installation lists fine-grained token grants', async () => {
    await world.seed('e2e-app', { iam: {} });
    const { privateKey, publicKey } = testRsaKeyPair();
    world.github.state.apps.set(77, { publicKey, installations: new Map([[5, { org: 'acme', permissions: { members: 'write', organization_personal_access_tokens: 'write', organization_personal_access_token_requests: 'write', organization_codespaces: 'write', organization_copilot_seat_management: 'write', administration: 'write' } }]]) });
    const keyFile = join(dir, 'app.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const appRunbook = join(dir, 'app.yaml');
    writeFileSync(appRunbook, readFileSync(DEMO, 'utf8').replace('    writeIntervalMs: 0', `    writeIntervalMs: 0\n    app:\n      appId: 77\n      installationId: 5\n      privateKeyFile: ${keyFile}`));
    const dry = await bin(['user', 'e2e-app', '-r', appRunbook, '--dry-run', '--json', '--only', 'github-credentials', ...signed(join(dir, 'app'))], { GITHUB_TOKEN: '' });
    expect(dry.code, dry.stderr).toBe(0);
    noSecrets(dry);
    const result = JSON.parse(dry.stdout);
    expect(result.actors[0].actor).toBe('GitHub App 77 (installation 5) on acme');
    expect(result.steps[0].findings.some((f: { kind: string }) => f.kind === 'pat-grants')).toBe(true);
  }, 60_000);
});

describe('signing with KMS through the binary (lazy @aws-sdk/client-kms)', () => {
  it('--sign-key kms: signs with the stand-in, sending only a digest; verify accepts the KMS public key', async () => {
    kms.createSigningKey('alias/e2e-reports');
    await world.seed('e2e-kms', { iam: { accessKeys: 1 } });
    const reports = join(dir, 'kms');
    const kmsEnv = { AWS_ENDPOINT_URL_KMS: kms.endpoint };
    const run = await bin(['user', 'e2e-kms', '-r', DEMO, '--dry-run', '--only', 'aws-contain', '--json', '--report', reports, '--sign-key', 'kms:alias/e2e-reports'], kmsEnv);
    expect(run.code, run.stderr).toBe(0);
    expect(kms.requests.map((r) => r.target)).toEqual(['TrentService.GetPublicKey', 'TrentService.Sign']);
    expect(kms.requests[1]!.messageType).toBe('DIGEST');
    const report = JSON.parse(run.stdout).report.path;
    const wrongKey = await bin(['verify', report, '--key', signer.pub]);
    expect(wrongKey.code).toBe(1);
  }, 60_000);
});

describe('keygen, schema and providers through the binary', () => {
  it('keygen writes a 0600 private key and refuses to overwrite it (exit 2)', async () => {
    const prefix = join(dir, 'fresh');
    const first = await bin(['keygen', '--out', prefix]);
    expect(first.code).toBe(0);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${prefix}.pub`, 'utf8')).toContain('BEGIN PUBLIC KEY');
    const again = await bin(['keygen', '--out', prefix]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${prefix}.key already exists; not overwriting it`);
  });

  it('providers lists each built-in provider with its kinds; providers aws-iam prints the IAM policy', async () => {
    const all = await bin(['providers', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).map((p: { type: string }) => p.type)).toEqual(expect.arrayContaining(['aws-iam', 'github', 'postgres']));
    const aws = await bin(['providers', 'aws-iam']);
    expect(aws.code).toBe(0);
    expect(aws.stdout).toContain('iam:DeleteAccessKey');
  });
});
