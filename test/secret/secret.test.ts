import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAM } from '@aws-sdk/client-iam';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { sandboxEnvironment, sandboxIamClient } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { revocationBudget } from '../../src/sandbox/github/routes/credential-revocation.js';
import { seedOrg } from '../../src/sandbox/github/seed.js';
import { startSlackSandbox, type SlackSandbox } from '../../src/sandbox/slack/server.js';
import { runCli, writeTemp } from '../support/cli.js';
import { specViolations } from '../support/openapi.js';
import { slackSpecViolations } from './slack-spec.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { decodeStatement, reportFiles } from '../support/reports.js';
import { createPostgresOperator } from '../support/worlds.js';

let iam: IamSandbox;
let github: GitHubSandbox;
let slack: SlackSandbox;
let postgres: PostgresServer;
let operatorUrl: string;
let githubOperatorToken: string;
let scratch: string;
let runbook: string;
let signKey: string;
let publicKey: string;
/** Every secret any test handed to revoke: none may appear in any output or file. */
const canaries: string[] = [];

beforeAll(async () => {
  [iam, github, slack, postgres] = await Promise.all([startIamSandbox(), startGitHubSandbox(), startSlackSandbox(), startPostgres()]);
  githubOperatorToken = seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['ceo'] });
  await postgres.sql('CREATE ROLE data_owner NOLOGIN');
  operatorUrl = await createPostgresOperator(postgres);
  scratch = mkdtempSync(join(tmpdir(), 'revoke-secret-'));
  runbook = writeTemp(
    'secret.yaml',
    `version: 1
name: secret-test
providers:
  aws:
    type: aws-iam
  gh:
    type: github
    org: acme
  db:
    type: postgres
    connectionStringEnv: REVOKE_PG_URL
protect:
  aws: [break-glass]
  db: [revoke_operator]
steps:
  - id: aws
    provider: aws
    user: "{{user}}"
    revoke: [access-keys]
`,
  );
  const keygen = await runCli(['keygen', '--out', join(scratch, 'signer')], builtinRegistry());
  expect(keygen.code, keygen.stderr).toBe(0);
  signKey = join(scratch, 'signer.key');
  publicKey = join(scratch, 'signer.pub');
}, 60_000);

afterAll(async () => {
  await Promise.all([iam?.close(), github?.close(), slack?.close(), postgres?.stop()]);
  // Every GitHub exchange (the revocation endpoint included) matches GitHub's OpenAPI description.
  expect(github.exchanges.flatMap(specViolations)).toEqual([]);
  // And every Slack answer matches Slack's Web API description.
  expect(slack.exchanges.length).toBeGreaterThan(0);
  expect(slack.exchanges.flatMap(slackSpecViolations)).toEqual([]);
  // The canary check over everything every run wrote: journals, reports.
  if (!scratch) return;
  let checked = 0;
  for (const file of readdirSync(join(scratch, 'reports'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile())) {
    const text = readFileSync(join(file.parentPath, file.name), 'utf8');
    for (const canary of canaries) expect(text.includes(canary), `${canary.slice(0, 6)}… in ${file.name}`).toBe(false);
    checked++;
  }
  expect(checked, 'journals and reports were checked').toBeGreaterThan(20);
});

let leakNumber = 0;
/** Runs `revoke secret` in-process on `lines`; asserts no secret reached stdout or stderr. */
async function revokeSecrets(lines: string[], args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const from = join(scratch, `leak-${++leakNumber}.txt`);
  writeFileSync(from, `${lines.join('\n')}\n`);
  const reportDir = join(scratch, 'reports', String(leakNumber));
  const env = { ...sandboxEnvironment(iam), GITHUB_TOKEN: githubOperatorToken, GITHUB_API_URL: github.url, SLACK_API_URL: slack.url, REVOKE_PG_URL: operatorUrl, ...extraEnv };
  const result = await runCli(['secret', '--from', from, '-r', runbook, '--report', reportDir, '--sign-key', signKey, '--json', ...args], builtinRegistry(), { env });
  for (const canary of canaries) {
    expect(result.stdout.includes(canary), 'a secret on stdout').toBe(false);
    expect(result.stderr.includes(canary), 'a secret on stderr').toBe(false);
  }
  const document = JSON.parse(result.stdout) as { secrets: Array<{ line: number; status: string; detail: string; owner?: string; what: string; warnings: string[]; fingerprint: { type: string; last4: string } }>; totals: Record<string, number>; calls: Record<string, number>; report: string };
  return { ...result, document, reportDir };
}

function canary(value: string): string {
  canaries.push(value);
  return value;
}

const randomToken = (length: number) => Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]).join('');

async function githubUser(token: string): Promise<number> {
  return (await fetch(`${github.url}/user`, { headers: { authorization: `token ${token}` } })).status;
}

describe('revoke secret: GitHub tokens through the credential revocation endpoint', () => {
  it('a dry run sends nothing; a real run revokes a batch in one request and the tokens stop working', async () => {
    const classic = canary(`ghp_${randomToken(36)}`);
    const fine = canary(`github_pat_${randomToken(22)}_${randomToken(59)}`);
    const installation = canary(`ghs_${randomToken(36)}`);
    github.state.tokens.set(classic, { login: 'leaky-dev', scopes: ['repo'] });
    github.state.tokens.set(fine, { login: 'leaky-dev', scopes: [] });
    expect(await githubUser(classic)).toBe(200);

    const before = github.exchanges.length;
    const dry = await revokeSecrets([classic, fine, installation], ['--dry-run']);
    expect(dry.code, dry.stderr).toBe(1); // the installation token is not revoked
    expect(github.exchanges.slice(before)).toEqual([]);
    expect(dry.document.secrets.map((s) => s.status)).toEqual(['would-revoke', 'would-revoke', 'not-revoked']);
    expect(dry.document.secrets[2]!.detail).toMatch(/expires within an hour/);

    // The classic token found twice (scanners report each commit): sent once, both lines revoked.
    const run = await revokeSecrets([classic, fine, installation, classic], ['--yes']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.document.secrets.map((s) => s.status)).toEqual(['revoked', 'revoked', 'not-revoked', 'revoked']);
    expect(run.document.secrets[3]!.detail).toMatch(/^the same secret as input line 1: GitHub accepted/);
    const sent = github.exchanges.slice(before).filter((e) => e.route === '/credentials/revoke');
    expect(sent).toHaveLength(1);
    expect((sent[0]!.requestBody as { credentials: string[] }).credentials).toHaveLength(2);
    expect(sent[0]!.status).toBe(202);
    expect(await githubUser(classic)).toBe(401);
    expect(await githubUser(fine)).toBe(401);
    expect(run.document.secrets[0]!.fingerprint).toEqual({ type: 'github-token', last4: classic.slice(-4), sha256: expect.any(String) });
  });

  it("the token revoke itself runs with is refused; --identify names an owner from the org's SAML authorizations", async () => {
    const owned = canary(`ghp_${randomToken(36)}`);
    github.state.tokens.set(owned, { login: 'alice', scopes: ['repo'] });
    github.state.orgs.get('acme')!.credentialAuthorizations.push({ credential_id: 991, login: 'alice', credential_type: 'personal access token', authorized: new Date(), token_last_eight: owned.slice(-8) });
    const mine = canary(`ghp_${randomToken(36)}`);
    github.state.tokens.set(mine, { login: 'revoke-bot', scopes: ['admin:org'] });
    const run = await revokeSecrets([mine, owned], ['--yes', '--identify'], { GITHUB_TOKEN: mine });
    expect(run.document.secrets[0]).toMatchObject({ status: 'refused', detail: expect.stringMatching(/the token revoke itself runs with/) });
    expect(run.document.secrets[1]).toMatchObject({ status: 'revoked', owner: 'alice (org acme)' });
    expect(await githubUser(mine)).toBe(200);
    expect(await githubUser(owned)).toBe(401);
  });

  it('1,001 tokens go in two requests: 1,000 (the documented maximum) and 1', async () => {
    const tokens = Array.from({ length: 1001 }, () => canary(`ghp_${randomToken(36)}`));
    for (const t of tokens) github.state.tokens.set(t, { login: 'bulk', scopes: [] });
    const before = github.exchanges.length;
    const run = await revokeSecrets(tokens, ['--yes']);
    expect(run.code, run.stderr).toBe(0);
    const sent = github.exchanges.slice(before).filter((e) => e.route === '/credentials/revoke');
    expect(sent.map((e) => (e.requestBody as { credentials: string[] }).credentials.length)).toEqual([1000, 1]);
    expect(tokens.filter((t) => github.state.tokens.has(t))).toEqual([]);
  });

  it("GitHub's rate limit (60 requests an hour) is honoured: no request beyond it, the secrets say when to retry", async () => {
    const budget = revocationBudget(github.state);
    const saved = budget.used;
    budget.used = budget.limit;
    try {
      const token = canary(`ghp_${randomToken(36)}`);
      const run = await revokeSecrets([token], ['--yes']);
      expect(run.code).toBe(1);
      expect(run.document.secrets[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/rate limit .* until \d{4}-/) });
      expect(run.document.calls['github:POST /credentials/revoke']).toBe(1);
    } finally {
      budget.used = saved;
    }
  });
});

describe('revoke secret: AWS keys (IAM/STS sandbox)', () => {
  const admin = () => sandboxIamClient(iam);

  async function leakedKey(user: string) {
    if (!iam.state.users.has(user)) await admin().createUser({ UserName: user });
    const { AccessKey } = await admin().createAccessKey({ UserName: user });
    canary(AccessKey!.SecretAccessKey!);
    return { id: AccessKey!.AccessKeyId!, secret: AccessKey!.SecretAccessKey! };
  }

  const callerWith = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));

  it('identifies the owner (GetAccessKeyInfo, GetAccessKeyLastUsed) read-only, then disables the key and cuts the sessions; the key is denied', async () => {
    const key = await leakedKey('ci-bot');
    const before = iam.requests.length;
    const dry = await revokeSecrets([`${key.id} ${key.secret}`], ['--dry-run', '--cut-sessions']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.document.secrets[0]).toMatchObject({ status: 'would-revoke', owner: 'IAM user ci-bot (account 123456789012)' });
    const dryRequests = iam.requests.slice(before);
    expect(dryRequests.filter((r) => r.mutating)).toEqual([]);
    expect(dryRequests.map((r) => r.action)).toEqual(expect.arrayContaining(['GetAccessKeyInfo', 'GetAccessKeyLastUsed', 'ListAccessKeys']));

    const run = await revokeSecrets([`${key.id} ${key.secret}`], ['--yes', '--cut-sessions']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.document.secrets[0]).toMatchObject({ status: 'revoked', detail: expect.stringMatching(/set Inactive/) });
    expect(iam.state.user('ci-bot').accessKeys[0]!.status).toBe('Inactive');
    expect(iam.state.user('ci-bot').inlinePolicies.has('AWSRevokeOlderSessions')).toBe(true);
    await expect(callerWith({ accessKeyId: key.id, secretAccessKey: key.secret })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });

    // The report verifies, and watch sees the revoked key being tried afterwards.
    const [report] = reportFiles(run.reportDir).reports;
    const verified = await runCli(['verify', report!, '--key', publicKey], builtinRegistry());
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/secret run .* 1 revoked/);
    const statement = decodeStatement(readFileSync(report!, 'utf8'));
    expect(statement.predicateType).toBe('urn:revoke:secret:v1');
    expect(statement.predicate.steps).toEqual([{ id: 'secret-1', provider: 'aws', providerType: 'aws-iam', user: 'ci-bot', findings: expect.arrayContaining([{ kind: 'access-keys', id: key.id, outcome: 'revoked', detail: 'set Inactive' }]) }]);
    const watch = await runCli(['watch', report!, '--key', publicKey, '--report', join(scratch, 'reports', 'watch'), '--sign-key', signKey, '--json'], builtinRegistry(), { env: sandboxEnvironment(iam) });
    expect(watch.code, watch.stderr).toBe(3);
    expect(JSON.parse(watch.stdout).events).toEqual(expect.arrayContaining([expect.objectContaining({ what: expect.stringContaining('GetCallerIdentity'), outcome: 'denied' })]));
  });

  it('--delete deletes the key; the key revoke runs with and a protected user are refused, with why', async () => {
    const key = await leakedKey('old-laptop');
    const glass = await leakedKey('break-glass');
    const own = { id: iam.operator.accessKeyId, secret: canary(iam.operator.secretAccessKey) };
    const run = await revokeSecrets([`${key.id}:${key.secret}`, `${glass.id} ${glass.secret}`, `${own.id} ${own.secret}`, 'AKIAZZZZZZZZZZZZZZZZ'], ['--yes', '--delete']);
    expect(run.code).toBe(1);
    expect(run.document.secrets.map((s) => s.status)).toEqual(['revoked', 'refused', 'refused', 'not-revoked']);
    expect(run.document.secrets[3]!.detail).toBe('it belongs to AWS account 210987654321, which no aws-iam provider of the runbook is connected to');
    expect(run.document.secrets[1]!.detail).toMatch(/break-glass, whom the runbook protects \(protect: aws\)/);
    expect(run.document.secrets[2]!.detail).toMatch(/the access key revoke itself runs with/);
    expect(iam.state.user('old-laptop').accessKeys).toEqual([]);
    // Only refusals: as for `revoke user` with a protected identity, exit 2 (nothing ran).
    const refusedOnly = await revokeSecrets([`${own.id} ${own.secret}`], ['--yes']);
    expect(refusedOnly.code).toBe(2);
    expect(refusedOnly.document.secrets[0]!.status).toBe('refused');
    expect(iam.state.user('break-glass').accessKeys[0]!.status).toBe('Active');
    await expect(callerWith({ accessKeyId: key.id, secretAccessKey: key.secret })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it("temporary credentials: GetCallerIdentity with them names the role session; the role's older sessions are denied (the plan warns: everyone's)", async () => {
    await admin().createRole({ RoleName: 'deployer', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }) });
    const key = await leakedKey('deploy-user');
    const sts = new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret } });
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/deployer', RoleSessionName: 'ci-run-42' }));
    const leaked = { accessKeyId: c!.AccessKeyId!, secretAccessKey: canary(c!.SecretAccessKey!), sessionToken: canary(c!.SessionToken!) };
    const asLeaked = new IAM({ endpoint: iam.endpoint, region: 'us-east-1', credentials: leaked, maxAttempts: 1 });
    await asLeaked.listUsers({});

    const before = iam.requests.length;
    const dry = await revokeSecrets([`${leaked.accessKeyId} ${leaked.secretAccessKey} ${leaked.sessionToken}`], ['--dry-run']);
    expect(dry.document.secrets[0]).toMatchObject({ status: 'would-revoke', owner: 'role deployer, session ci-run-42 (account 123456789012)', warnings: [expect.stringMatching(/ends the current sessions of everyone using role deployer/)] });
    expect(iam.requests.slice(before).filter((r) => r.mutating)).toEqual([]);

    const run = await revokeSecrets([`${leaked.accessKeyId} ${leaked.secretAccessKey} ${leaked.sessionToken}`], ['--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.document.secrets[0]!.status).toBe('revoked');
    await expect(asLeaked.listUsers({})).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('revoke secret: PostgreSQL connection strings (real PostgreSQL)', () => {
  it("the matching provider sets the role's password to NULL and ends its sessions; the leaked URL no longer connects", async () => {
    const password = canary(`leaked-${randomToken(16)}`);
    await postgres.sql(`CREATE ROLE orders_app LOGIN PASSWORD '${password}'`);
    const url = postgres.url('orders_app', password, 'postgres');
    const session = new pg.Client({ connectionString: url });
    await session.connect();
    session.on('error', () => {});
    const ended = new Promise((resolve) => session.once('end', resolve));

    const dry = await revokeSecrets([url], ['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.document.secrets[0]).toMatchObject({ status: 'would-revoke', owner: 'role orders_app', what: expect.stringContaining('orders_app') });
    expect((await postgres.sql<{ has: boolean }>("SELECT rolpassword IS NOT NULL AS has FROM pg_authid WHERE rolname = 'orders_app'"))[0]!.has).toBe(true);

    const run = await revokeSecrets([url, postgres.url('revoke_operator', 'x', 'postgres'), postgres.url('orders_app', password, 'otherdb')], ['--yes']);
    expect(run.document.secrets.map((s) => s.status)).toEqual(['revoked', 'refused', 'not-revoked']);
    expect(run.document.secrets[2]!.detail).toMatch(/no postgres provider of the runbook is connected to .*\/otherdb/);
    await ended;
    expect((await postgres.sql<{ has: boolean }>("SELECT rolpassword IS NOT NULL AS has FROM pg_authid WHERE rolname = 'orders_app'"))[0]!.has).toBe(false);
    const again = new pg.Client({ connectionString: url });
    await expect(again.connect()).rejects.toMatchObject({ code: '28P01' });
  });
});

describe('revoke secret: Slack tokens, scanner input, mixed lines', () => {
  it('trufflehog lines: Slack auth.test identifies, auth.revoke kills (429 honoured); unrecognised lines are exit 1 with their line numbers', async () => {
    const bot = canary(`xoxb-${randomToken(12)}-${randomToken(24)}`);
    slack.tokens.set(bot, { team: 'Acme', teamId: 'T0001', user: 'deploy-bot', userId: 'U0001' });
    const stranger = canary(`hunter2-${randomToken(8)}`);
    const lines = [
      JSON.stringify({ SourceMetadata: { Data: { Git: { commit: 'abc123', file: 'ops/notify.sh', line: 9 } } }, DetectorName: 'Slack', Raw: bot }),
      '',
      JSON.stringify({ SourceMetadata: { Data: { Filesystem: { file: 'notes.txt', line: 1 } } }, DetectorName: 'Generic', Raw: stranger }),
    ];
    const before = slack.exchanges.length;
    const dry = await revokeSecrets(lines, ['--dry-run']);
    expect(dry.code).toBe(1);
    expect(slack.exchanges.slice(before).filter((e) => e.mutating)).toEqual([]);
    expect(dry.document.secrets[0]).toMatchObject({ line: 1, status: 'would-revoke', owner: 'deploy-bot in workspace Acme' });
    expect(dry.document.secrets[1]).toMatchObject({ line: 3, status: 'not-revoked', detail: expect.stringMatching(/^unrecognised, not revoked/) });

    slack.rateLimitNext(1);
    const run = await revokeSecrets(lines, ['--yes']);
    expect(run.code).toBe(1);
    expect(run.document.secrets[0]).toMatchObject({ status: 'revoked', context: { format: 'trufflehog', file: 'ops/notify.sh', commit: 'abc123', line: 9 } });
    const test = await fetch(`${slack.url}/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${bot}` } });
    expect(await test.json()).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('a real run without --yes and without a terminal is exit 2 before anything is read or sent', async () => {
    const before = github.exchanges.length + slack.exchanges.length;
    const from = writeTemp('leak.txt', 'hunter2\n');
    const result = await runCli(['secret', '--from', from, '--report', join(scratch, 'reports', 'no-yes')], builtinRegistry(), { env: { GITHUB_API_URL: github.url, SLACK_API_URL: slack.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes/);
    expect(github.exchanges.length + slack.exchanges.length).toBe(before);
  });
});
