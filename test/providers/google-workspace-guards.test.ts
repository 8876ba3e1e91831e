import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { runCli, writeTemp } from '../support/cli.js';
import { ADMIN, googleRunbook, googleWorld, seedPerson } from '../support/google.js';
import { discoveryViolations } from '../support/google-discovery.js';
import { reportFiles } from '../support/reports.js';

const SECURITY = 'https://www.googleapis.com/auth/admin.directory.user.security';
const noWrites = (exchanges: Array<{ mutating: boolean }>) => exchanges.filter((e) => e.mutating);

describe('google-workspace guards: refused before any change (exit 2)', () => {
  it('the impersonated admin (self-lockout), a super admin and a protected user are refused; allowSuperAdmin lets one through', async () => {
    const world = await googleWorld();
    seedPerson(world, 'boss@acme.example', { isAdmin: true, oauthApps: [] });
    seedPerson(world, 'ceo@acme.example', {});
    const runbook = googleRunbook(world, { remove: false });
    for (const [user, message] of [
      [ADMIN, /would revoke "it-admin@acme\.example", the identity revoke itself is running as/],
      ['boss@acme.example', /boss@acme\.example is a super admin; refusing/],
      ['ceo@acme.example', /"ceo@acme\.example", which is protected on google/],
    ] as const) {
      const { code, stderr, exchanges } = await world.revoke(['user', user, '-r', runbook, '--yes']);
      expect(code, user).toBe(2);
      expect(stderr).toMatch(message);
      expect(noWrites(exchanges)).toEqual([]);
    }
    const allowed = googleRunbook(world, { remove: false, contain: '\n    allowSuperAdmin: true' });
    const { code, stderr } = await world.revoke(['user', 'boss@acme.example', '-r', allowed, '--yes']);
    expect(code, stderr).toBe(0);
    expect(world.sandbox.state.user('boss@acme.example')!.suspended).toBe(true);
  });

  it('bad input: another domain, an unknown user, an alias, odd characters', async () => {
    const world = await googleWorld();
    seedPerson(world, "o'brien@acme.example", { aliases: ['ob@acme.example'], oauthApps: [] });
    const runbook = googleRunbook(world, { remove: false });
    const cases: Array<[string, RegExp]> = [
      ['jane@other.example', /jane@other\.example is not in acme\.example, acme-labs\.example/],
      ['nobody@acme.example', /there is no user nobody@acme\.example in acme\.example/],
      ['ob@acme.example', /ob@acme\.example is an alias of o'brien@acme\.example/],
      ['jane"; DROP@acme.example', /contains whitespace/],
      ['../../etc@acme.example', /user/i],
    ];
    for (const [user, message] of cases) {
      const { code, stderr, exchanges } = await world.revoke(['user', user, '-r', runbook, '--yes']);
      expect(code, user).toBe(2);
      expect(stderr, user).toMatch(message);
      expect(noWrites(exchanges)).toEqual([]);
    }
    // An apostrophe is a legal Google username character: the person is found and contained.
    const { code, stderr } = await world.revoke(['user', "o'brien@acme.example", '-r', runbook, '--yes']);
    expect(code, stderr).toBe(0);
    expect(world.sandbox.state.user("o'brien@acme.example")!.suspended).toBe(true);
  });

  it('transferTo must be an active user of the customer', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    for (const [target, message] of [
      ['ghost@acme.example', /transferTo ghost@acme\.example does not exist/],
      ['boss@elsewhere.example', /transferTo boss@elsewhere\.example is not in/],
    ] as const) {
      const { code, stderr, exchanges } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: `\n    transferTo: ${target}` }), '--yes']);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(noWrites(exchanges)).toEqual([]);
    }
  });
});

describe('google-workspace credentials', () => {
  it('a group-readable key file, a missing key variable and a key Google does not know are exit 2, and the key never shows', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const open = writeTemp('sa.json', world.key);
    chmodSync(open, 0o640);
    const readable = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: false, edit: (text) => text.replace(world.keyFile, open) }), '--dry-run']);
    expect(readable.code).toBe(2);
    expect(readable.stderr).toMatch(/can be read by others; refusing/);
    expect(readable.stderr).toMatch(/chmod 600/);
    const envRunbook = () => googleRunbook(world, { remove: false, edit: (text) => text.replace(`keyFile: ${world.keyFile}`, 'keyEnv: OFFBOARDING_SA_KEY') });
    const missing = await world.revoke(['user', 'jane.doe@acme.example', '-r', envRunbook(), '--dry-run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/OFFBOARDING_SA_KEY is not set/);
    // A well-formed key of a service account the customer never set up (a canary private key).
    const foreign = JSON.parse(world.key) as { private_key: string; client_email: string };
    const canary = JSON.stringify({ ...foreign, client_email: 'stranger@elsewhere.iam.gserviceaccount.com' });
    const unknown = await world.revoke(['user', 'jane.doe@acme.example', '-r', envRunbook(), '--dry-run'], { OFFBOARDING_SA_KEY: canary });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Google refused a token for service account stranger@elsewhere/);
    const keyBody = foreign.private_key.split('\n')[1]!;
    for (const output of [readable, missing, unknown]) expect(output.stdout + output.stderr).not.toContain(keyBody);
    // Through keyEnv with the right key, it works.
    const ok = await world.revoke(['user', 'jane.doe@acme.example', '-r', envRunbook(), '--dry-run'], { OFFBOARDING_SA_KEY: world.key });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS) with the subject from the runbook', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const runbook = googleRunbook(world, { remove: false, edit: (text) => text.replace(`    keyFile: ${world.keyFile}\n`, '') });
    const { code, stdout, stderr } = await world.revoke(['user', 'jane.doe@acme.example', '-r', runbook, '--dry-run', '--json'], { GOOGLE_APPLICATION_CREDENTIALS: world.keyFile });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).steps[0].findings.length).toBeGreaterThan(3);
  });

  it('domain-wide delegation without a scope: exit 2 naming the missing scope; a narrowed scopes: names it per kind', async () => {
    const world = await googleWorld({ delegatedScopes: ['https://www.googleapis.com/auth/admin.directory.user'] });
    seedPerson(world, 'jane.doe@acme.example');
    const { code, stderr } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: false }), '--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toContain(`domain-wide delegation lacks ${SECURITY}`);
    expect(stderr).toMatch(/Domain-wide delegation/);
    const narrowed = googleRunbook(world, { remove: false, provider: '\n    scopes: [https://www.googleapis.com/auth/admin.directory.user]' });
    const run = await world.revoke(['user', 'jane.doe@acme.example', '-r', narrowed, '--dry-run']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`this call needs OAuth scope ${SECURITY}`);
  });
});

describe('google-workspace under load and in bulk', () => {
  it('rate limits (403 userRateLimitExceeded, 429) and 503s are retried with backoff; the run completes', async () => {
    const world = await googleWorld({ rateLimitRate: 0.25, failureRate: 0.1, seed: 3 });
    seedPerson(world, 'jane.doe@acme.example');
    const { code, stdout, stderr, exchanges } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world), '--yes', '--json']);
    expect(code, stderr).toBe(0);
    const refused = exchanges.filter((e) => e.status === 429 || e.status === 503 || (e.status === 403 && JSON.stringify(e.responseBody).includes('userRateLimitExceeded')));
    expect(refused.length).toBeGreaterThan(3);
    const retries = JSON.parse(stdout).steps.flatMap((s: { findings: Array<{ retries?: number }> }) => s.findings).reduce((n: number, f: { retries?: number }) => n + (f.retries ?? 0), 0);
    expect(retries).toBeGreaterThan(0);
    expect(world.sandbox.state.user('jane.doe@acme.example')).toBeUndefined();
  });

  it('audit: one users.list walk (500 a page) tells who still has an account, suspended ones included', async () => {
    const world = await googleWorld();
    for (let i = 0; i < 620; i++) world.sandbox.state.users.set(`u${i}`, { ...world.sandbox.state.user(ADMIN)!, id: `u${i}`, primaryEmail: `employee${i}@acme.example`, isAdmin: false });
    seedPerson(world, 'jane.doe@acme.example', { suspended: true });
    const dir = mkdtempSync(join(tmpdir(), 'revoke-gaudit-'));
    const users = join(dir, 'users.txt');
    writeFileSync(users, 'jane.doe@acme.example\nformer1@acme.example\nformer2@acme.example\n');
    const result = await runCli(['audit', '-r', googleRunbook(world, { remove: false }), '--users', users, '--format', 'json', '--report', join(dir, 'r')], builtinRegistry(), { env: { GOOGLE_WORKSPACE_API_URL: world.sandbox.url, GOOGLE_WORKSPACE_TOKEN_URL: world.sandbox.tokenUrl, XDG_CONFIG_HOME: dir } });
    expect(result.code, result.stderr).toBe(3);
    expect(JSON.parse(result.stdout).usersWithAccess.map((u: { user: string }) => u.user)).toEqual(['jane.doe@acme.example']);
    const lists = world.sandbox.exchanges.filter((e) => e.api === 'directory' && e.path === 'users');
    expect(lists.map((e) => e.query.maxResults)).toEqual(['500', '500']);
    expect(noWrites(world.sandbox.exchanges)).toEqual([]);
  });

  it('watch: a sign-in attempt after the revocation shows as denied (exit 3)', async () => {
    const world = await googleWorld();
    const person = seedPerson(world, 'jane.doe@acme.example');
    const dir = mkdtempSync(join(tmpdir(), 'revoke-gwatch-'));
    expect((await runCli(['keygen', '--out', join(dir, 'signer')], builtinRegistry())).code).toBe(0);
    const run = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: false }), '--yes', '--report', join(dir, 'reports'), '--sign-key', join(dir, 'signer.key')]);
    expect(run.code, run.stderr).toBe(0);
    const report = reportFiles(join(dir, 'reports')).reports[0]!;
    const env = { GOOGLE_WORKSPACE_API_URL: world.sandbox.url, GOOGLE_WORKSPACE_TOKEN_URL: world.sandbox.tokenUrl };
    const quiet = await runCli(['watch', report, '--key', join(dir, 'signer.pub'), '--report', join(dir, 'w1'), '--sign-key', join(dir, 'signer.key')], builtinRegistry(), { env });
    expect(quiet.code, quiet.stderr).toBe(0);
    const tried = await fetch(new URL('/oauth2/v3/userinfo', world.sandbox.url), { headers: { authorization: `Basic ${Buffer.from(`jane.doe@acme.example:${person.password}`).toString('base64')}` } });
    expect(tried.status).toBe(401);
    const seen = await runCli(['watch', report, '--key', join(dir, 'signer.pub'), '--report', join(dir, 'w2'), '--sign-key', join(dir, 'signer.key'), '--json'], builtinRegistry(), { env });
    expect(seen.code, seen.stderr).toBe(3);
    expect(JSON.parse(seen.stdout).events).toEqual([expect.objectContaining({ outcome: 'denied', what: expect.stringMatching(/^Google login: login_failure from 203\.0\.113\.7$/) })]);
  });
});

describe('the discovery-document check itself', () => {
  const ok = { api: 'directory' as const, method: 'GET', path: 'users/jane@acme.example/tokens', query: {}, requestBody: undefined, status: 200, responseBody: { kind: 'admin#directory#tokenList', items: [] }, mutating: false, caller: '' };
  it('accepts a documented exchange and rejects a wrong body, status shape, parameter or path', () => {
    expect(discoveryViolations(ok)).toEqual([]);
    expect(discoveryViolations({ ...ok, responseBody: { items: 'none' } })[0]).toMatch(/response body/);
    expect(discoveryViolations({ ...ok, status: 404, responseBody: { message: 'Not Found' } })[0]).toMatch(/not Google's JSON error shape/);
    expect(discoveryViolations({ ...ok, query: { per_page: '100' } })[0]).toMatch(/query parameter per_page is not documented/);
    expect(discoveryViolations({ ...ok, path: 'users/jane@acme.example/sessions' })[0]).toMatch(/no GET method with this path/);
    expect(discoveryViolations({ ...ok, method: 'POST', path: 'users/jane@acme.example/signOut', requestBody: { all: true }, status: 204, responseBody: undefined })[0]).toMatch(/takes no request body/);
    expect(discoveryViolations({ ...ok, path: 'users', query: { customer: 'my_customer', maxResults: '501' }, responseBody: { users: [] } })[0]).toMatch(/maxResults=501 is above 500/);
  });
});
