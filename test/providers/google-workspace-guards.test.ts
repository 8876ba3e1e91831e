import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { runCli, writeTemp } from '../support/cli.js';
import { ADMIN, googleRunbook, googleWorld, seedPerson } from '../support/google.js';
import { discoveryViolations } from '../support/google-discovery.js';
import { reportFiles } from '../support/reports.js';
import { googleWorkspaceProvider } from '../../src/providers/google-workspace/index.js';
import type { GoogleContext } from '../../src/providers/google-workspace/kind.js';
import type { Discovery } from '../../src/providers/types.js';

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
    // A domain listed in the runbook that the customer does not own: Google answers 403.
    const foreign = googleRunbook(world, { remove: false, edit: (text) => text.replace('domains: [acme-labs.example]', 'domains: [acme-labs.example, not-ours.example]') });
    const refused = await world.revoke(['user', 'jane@not-ours.example', '-r', foreign, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/may not see jane@not-ours\.example: HTTP 403: Not Authorized to access this resource\/api \(forbidden\)/);
    expect(refused.stderr).toMatch(/fix: check that not-ours\.example belongs to this Google Workspace customer/);
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
    // Discovery fails for the step (exit 1) naming the scope, before anything changed.
    expect(run.code).toBe(1);
    // Whichever of the kinds needing that scope Google refuses first (oauth-tokens, app-passwords, backup-codes) names it.
    expect(run.stderr).toMatch(/listing (oauth-tokens|app-passwords|backup-codes) of jane\.doe@acme\.example in acme\.example: HTTP 403: Request had insufficient authentication scopes\. \(insufficientPermissions\); this call needs OAuth scope /);
    expect(run.stderr).toContain(`this call needs OAuth scope ${SECURITY}`);
    expect(noWrites(run.exchanges)).toEqual([]);
  });
});

describe('google-workspace under load and in bulk', () => {
  it('rate limits (403 userRateLimitExceeded, 429) and 503s are retried with backoff; the run completes', async () => {
    const world = await googleWorld({ rateLimitRate: 0.25, failureRate: 0.1, seed: 4 }) // seed 3's faults now land on the (unretried) data-transfer insert: containment sends first;
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
  const ok = { api: 'directory' as const, method: 'GET', path: 'users/jane@acme.example/tokens', query: {}, requestBody: undefined, status: 200, responseBody: { kind: 'admin#directory#tokenList', items: [] }, mutating: false, caller: '', at: 0 };
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

describe('google-workspace provider module', () => {
  async function connected(world: Awaited<ReturnType<typeof googleWorld>>, extra: Record<string, unknown> = {}) {
    const config = googleWorkspaceProvider.configSchema.parse({ domain: 'acme.example', subject: ADMIN, keyFile: world.keyFile, writeIntervalMs: 0, retryDelayMs: 5, ...extra });
    const env = { GOOGLE_WORKSPACE_API_URL: world.sandbox.url, GOOGLE_WORKSPACE_TOKEN_URL: world.sandbox.tokenUrl };
    const connection = await googleWorkspaceProvider.connect(config, { instance: 'google', env, signal: new AbortController().signal });
    // Connect leaves the impersonated admin's own read running (the guard waits for it): let it land before exchanges are counted.
    await (connection.client as GoogleContext).adminChecked;
    return connection;
  }

  it('discovery gets a client that refuses anything but GET, before it reaches Google', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const { client } = await connected(world);
    const before = world.sandbox.exchanges.length;
    const readOnly = (client as GoogleContext).readOnlyView!;
    await expect(readOnly.directory.users.signOut({ userKey: 'jane.doe@acme.example' })).rejects.toThrow(/read-only/);
    await expect(readOnly.directory.tokens.delete({ userKey: 'jane.doe@acme.example', clientId: 'x' })).rejects.toThrow(/read-only/);
    expect(world.sandbox.exchanges.slice(before)).toEqual([]);
    expect((await readOnly.directory.users.get({ userKey: 'jane.doe@acme.example' })).data.primaryEmail).toBe('jane.doe@acme.example');
  });

  it('backup codes: a suspension after the person was read is a skipped kind, not a failed discovery; the run reads the codes once', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    seedPerson(world, 'john.roe@acme.example');
    const { client } = await connected(world);
    const request = (user: string) => ({ user, kinds: ['backup-codes'], mode: 'disable', options: {}, signal: new AbortController().signal });
    const listsOf = (user: string) => world.sandbox.exchanges.filter((e) => e.path === `users/${encodeURIComponent(user)}/verificationCodes`).map((e) => e.status);

    // Suspended between the (run-cached) read of the person and the list: Google answers the list 412.
    const racing = googleWorkspaceProvider.withReadCache!(client);
    await (racing as GoogleContext).readOnlyView!.directory.users.get({ userKey: 'jane.doe@acme.example', projection: 'basic' });
    world.sandbox.state.user('jane.doe@acme.example')!.suspended = true;
    const raced = (await googleWorkspaceProvider.discover(racing, request('jane.doe@acme.example'))) as Discovery;
    expect(listsOf('jane.doe@acme.example')).toEqual([412]);
    expect(raced.findings).toEqual([]);
    expect(raced.skipped).toEqual([{ kind: 'backup-codes', reason: expect.stringMatching(/jane\.doe@acme\.example is suspended: Google refuses to process backup codes/) }]);

    // Containment's read of the codes is the run's: discovery after the suspension does not ask again.
    const cached = googleWorkspaceProvider.withReadCache!(client);
    const first = (await googleWorkspaceProvider.discover(cached, request('john.roe@acme.example'))) as Discovery;
    world.sandbox.state.user('john.roe@acme.example')!.suspended = true;
    const again = (await googleWorkspaceProvider.discover(cached, request('john.roe@acme.example'))) as Discovery;
    expect(listsOf('john.roe@acme.example')).toEqual([200]);
    expect(again.findings).toEqual(first.findings);
    expect(first.findings.map((f) => f.label)).toEqual(['10 unused backup codes']);
  });

  it('the 404 rule: a grant gone before its removal is already-gone only after a fresh read confirms it', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const { client } = await connected(world);
    const request = { user: 'jane.doe@acme.example', mode: 'disable', options: {}, signal: new AbortController().signal };
    const finding = { id: 'gone.apps.googleusercontent.com', kind: 'oauth-tokens', label: 'OAuth grant to Gone', phase: 1 };
    const before = world.sandbox.exchanges.length;
    expect(await googleWorkspaceProvider.revoke(client, finding, request)).toEqual({ status: 'already-gone' });
    expect(world.sandbox.exchanges.slice(before).map((e) => `${e.method} ${decodeURIComponent(e.path)} ${e.status}`)).toEqual([
      'DELETE users/jane.doe@acme.example/tokens/gone.apps.googleusercontent.com 404',
      'GET users/jane.doe@acme.example/tokens/gone.apps.googleusercontent.com 404',
    ]);
  });

  it('writes to one domain: writeBurst at once, then one per writeIntervalMs', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example', { oauthApps: Array.from({ length: 5 }, (_, i) => ({ clientId: `app${i}.apps.googleusercontent.com`, name: `App ${i}`, scopes: [] })) });
    const { client } = await connected(world, { writeIntervalMs: 60, writeBurst: 2, domain: 'acme.example' });
    const request = { user: 'jane.doe@acme.example', mode: 'disable', options: {}, signal: new AbortController().signal };
    await Promise.all(Array.from({ length: 5 }, (_, i) => googleWorkspaceProvider.revoke(client, { id: `app${i}.apps.googleusercontent.com`, kind: 'oauth-tokens', label: '', phase: 1 }, request)));
    const writes = world.sandbox.exchanges.filter((e) => e.mutating).map((e) => e.at);
    expect(writes).toHaveLength(5);
    // Timed where the sandbox receives them: the burst of two together, then three more a pause
    // apart. Tokens accrue on a fixed beat, so the first wait is anywhere up to one interval: the
    // span is two whole intervals at least.
    expect(writes[1]! - writes[0]!).toBeLessThan(40);
    expect(writes[4]! - writes[0]!).toBeGreaterThanOrEqual(2 * 60 - 20);
  });
});
