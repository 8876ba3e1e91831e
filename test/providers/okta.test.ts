import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OktaHttp } from '../../src/providers/okta/http.js';
import { SERVICE_APP_SCOPES } from '../../src/providers/okta/scopes.js';
import { writeTemp } from '../support/cli.js';
import { oktaRunbook, oktaWorld, outcomes, seedPerson, stepsOf, type OktaWorld } from '../support/okta.js';
import { reportFiles } from '../support/reports.js';
import { testRsaKeyPair } from '../support/rsa-key.js';

const JANE = 'jane.doe@acme.test';

/** What the person can still do with what they held, tried through the org's own endpoints. */
async function personCan(world: OktaWorld, secrets: ReturnType<typeof seedPerson>) {
  const { url } = world.sandbox;
  const session = await fetch(`${url}/api/v1/sessions/me`, { headers: { cookie: `sid=${secrets.sessionId}` } });
  const refresh = secrets.refreshTokens[0]!;
  const token = await fetch(`${url}/oauth2/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh.value, client_id: refresh.clientId }) });
  const api = await fetch(`${url}/api/v1/users/me`, { headers: { authorization: `SSWS ${secrets.apiTokens[0]}` } });
  return { session: session.status, refresh: token.status, apiToken: api.status };
}

describe('okta provider against the Okta sandbox (thin client over HTTP, spec-checked)', () => {
  it('disable mode: revokes every kind, suspends, and what the person held is refused afterwards', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE);
    expect(await personCan(world, jane)).toEqual({ session: 200, refresh: 200, apiToken: 200 });
    const { state } = world.sandbox;
    const { code, stdout, stderr } = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes', '--json']);
    expect(code, stderr).toBe(0);
    expect(outcomes(stdout)).toEqual(
      [
        'admin-roles:revoked',
        'api-tokens:revoked',
        'app-assignments:revoked',
        'app-assignments:revoked',
        'grants:revoked',
        // The refresh token went with the sessions (oauthTokens=true), cleared first (contain first): discovery no longer lists its grant.
        'groups:revoked',
        'groups:revoked',
        'sessions:revoked',
        'suspend:revoked',
      ].sort(),
    );
    const [step] = stepsOf(stdout);
    expect(step!.skippedKinds!.map((s) => s.kind).sort()).toEqual(['app-assignments', 'factors', 'groups', 'user']);
    expect(step!.skippedKinds!.find((s) => s.kind === 'groups')!.reason).toMatch(/^app-sourced groups workday-employees: /);
    expect(step!.findings.find((f) => f.kind === 'suspend')!.details).toEqual({ userId: jane.user.id, wasStatus: 'ACTIVE', wasSuspended: false });
    const result = JSON.parse(stdout) as { warnings: string[]; actors: Array<{ actor: string }> };
    expect(result.actors[0]!.actor).toBe(`okta:revoke-bot@acme.test on ${new URL(world.sandbox.url).host}`);
    expect(result.warnings.some((w) => /API token "nightly-sync" acts as jane\.doe@acme\.test: automation using it stops working \(last used .*, in use recently\)/.test(w))).toBe(true);
    expect(result.warnings.some((w) => /Salesforce provisions accounts: removing the assignment deprovisions/.test(w))).toBe(true);
    // The effect, not the call: the session, the refresh token and the API token are refused.
    expect(await personCan(world, jane)).toEqual({ session: 404, refresh: 400, apiToken: 401 });
    expect(jane.user.status).toBe('SUSPENDED');
    expect(state.apiTokens.filter((t) => t.userId === jane.user.id)).toEqual([]);
    expect([...state.groups.values()].filter((g) => g.members.has(jane.user.id)).map((g) => g.name).sort()).toEqual(['Everyone', 'workday-employees']);
    expect(state.roles.get(jane.user.id)).toEqual([]);
    expect([...state.apps.values()].filter((a) => a.assignments.has(jane.user.id)).map((a) => a.label)).toEqual(['Jira']);
    expect([...state.apps.values()].find((a) => a.label === 'Salesforce')!.deprovisioned).toEqual([jane.user.id]);
    expect(state.factors.get(jane.user.id)).toHaveLength(2);

    const again = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(outcomes(again.stdout)).toEqual([]);
    expect(again.exchanges.filter((e) => e.mutating)).toEqual([]);
  });

  it('delete mode: factors reset, the user deactivated then deleted; a second run finds nothing', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE);
    const runbook = oktaRunbook({ mode: 'delete' });
    const { code, stdout, stderr, exchanges } = await world.revoke(['user', JANE, '-r', runbook, '--yes', '--json']);
    expect(code, stderr).toBe(0);
    const kinds = outcomes(stdout);
    expect(kinds.filter((k) => k.startsWith('factors:'))).toEqual(['factors:revoked', 'factors:revoked']);
    expect(kinds).toContain('user:revoked');
    expect(kinds).not.toContain('suspend:revoked');
    const writes = exchanges.filter((e) => e.mutating).map((e) => `${e.method} ${e.route}`);
    // Deactivate, then delete, and both last.
    expect(writes.slice(-2)).toEqual(['POST /api/v1/users/{userId}/lifecycle/deactivate', 'DELETE /api/v1/users/{userId}']);
    expect(world.sandbox.state.users.has(jane.user.id)).toBe(false);
    expect(await personCan(world, jane)).toEqual({ session: 404, refresh: 400, apiToken: 401 });
    const again = await world.revoke(['user', JANE, '-r', runbook, '--yes', '--json']);
    expect(again.code).toBe(0);
    expect(outcomes(again.stdout)).toEqual([]);
  });

  it('a dry run reads only: no mutating request reaches Okta, and nothing changes', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE);
    const { code, stdout, exchanges } = await world.revoke(['user', JANE, '-r', oktaRunbook({ mode: 'delete', step: '\n    universalLogout: true' }), '--dry-run', '--json']);
    expect(code).toBe(0);
    expect(outcomes(stdout).length).toBeGreaterThan(10);
    expect(exchanges.length).toBeGreaterThan(10);
    expect(exchanges.filter((e) => e.method !== 'GET')).toEqual([]);
    expect(await personCan(world, jane)).toEqual({ session: 200, refresh: 200, apiToken: 200 });
  });

  it('a saved plan is applied exactly: reviewed with --dry-run --plan-out, then revoke apply', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE, { groups: ['engineering'], apiTokens: [{ name: 'etl' }], signedIn: false });
    const plan = join(writeTemp('x', ''), '..', 'okta.plan.json');
    const dry = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--dry-run', '--plan-out', plan]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.exchanges.filter((e) => e.mutating)).toEqual([]);
    const applied = await world.revoke(['apply', plan, '--key', join(dry.scratch, 'revoke', 'signing-key.pub.pem'), '--yes', '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(outcomes(applied.stdout)).toEqual(['api-tokens:revoked', 'groups:revoked', 'suspend:revoked']);
    expect(jane.user.status).toBe('SUSPENDED');
  });

  it('the client handed to discovery refuses writes before sending anything', async () => {
    const world = await oktaWorld();
    const http = new OktaHttp({ orgUrl: world.sandbox.url, authorization: async () => `SSWS ${world.org.token}`, concurrency: 1, maxRetries: 0 }).readOnlyView();
    await expect(http.send('DELETE', '/api/v1/users/x/sessions')).rejects.toThrow(/refused DELETE \/api\/v1\/users\/x\/sessions: discovery, presence and watch get a read-only client/);
    expect(world.sandbox.exchanges).toEqual([]);
  });

  it('universalLogout: true also sends Universal Logout (global token revocation) for the user', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE, { signedIn: true });
    const { code, stderr, exchanges } = await world.revoke(['user', JANE, '-r', oktaRunbook({ step: '\n    universalLogout: true' }), '--yes', '--only', 'okta-offboard']);
    expect(code, stderr).toBe(0);
    const logout = exchanges.find((e) => e.route === '/oauth2/v1/global-token-revocation')!;
    expect(logout).toMatchObject({ status: 204, requestBody: { sub_id: { format: 'opaque', id: jane.user.id } } });
  });

  it('guards refuse before any change: protected, self, super admin, last super admin, other domain', async () => {
    const world = await oktaWorld();
    const writes = (exchanges: Array<{ mutating: boolean }>) => exchanges.filter((e) => e.mutating);
    const protectedRun = await world.revoke(['user', 'ceo@acme.test', '-r', oktaRunbook(), '--yes']);
    expect(protectedRun.code).toBe(2);
    expect(writes(protectedRun.exchanges)).toEqual([]);
    const self = await world.revoke(['user', 'revoke-bot@acme.test', '-r', oktaRunbook(), '--yes']);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/the identity revoke itself is running as on okta/);
    expect(writes(self.exchanges)).toEqual([]);

    seedPerson(world, 'root@acme.test', { roles: ['SUPER_ADMIN'], signedIn: true, apiTokens: [{ name: 'x' }] });
    const superAdmin = await world.revoke(['user', 'root@acme.test', '-r', oktaRunbook(), '--yes']);
    expect(superAdmin.code).toBe(2);
    expect(superAdmin.stderr).toMatch(/root@acme\.test is a super admin of .*; refusing to .*\n.*allowSuperAdmin: true/);
    expect(writes(superAdmin.exchanges)).toEqual([]);

    // With allowSuperAdmin, still never the last active super admin.
    const { state } = world.sandbox;
    state.roles.get(world.org.operator.id)![0]!.type = 'ORG_ADMIN';
    state.user('ceo@acme.test')!.status = 'SUSPENDED';
    const last = await world.revoke(['user', 'root@acme.test', '-r', oktaRunbook({ step: '\n    allowSuperAdmin: true' }), '--yes']);
    expect(last.code).toBe(2);
    expect(last.stderr).toMatch(/root@acme\.test is the last active super admin of /);
    expect(writes(last.exchanges)).toEqual([]);
    state.user('ceo@acme.test')!.status = 'ACTIVE';
    const allowed = await world.revoke(['user', 'root@acme.test', '-r', oktaRunbook({ step: '\n    allowSuperAdmin: true' }), '--yes', '--json']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(outcomes(allowed.stdout)).toContain('admin-roles:revoked');

    const domains = oktaRunbook({ provider: '\n    domains: [acme.test]' });
    const other = await world.revoke(['user', 'jane@other.test', '-r', domains, '--yes']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/jane@other\.test is not in the domains of .* \(acme\.test\); nothing was changed/);
  });

  it('unknown users find nothing; odd characters are refused before anything runs', async () => {
    const world = await oktaWorld();
    const unknown = await world.revoke(['user', 'nobody@acme.test', '-r', oktaRunbook(), '--yes', '--json']);
    expect(unknown.code).toBe(0);
    expect(outcomes(unknown.stdout)).toEqual([]);
    for (const odd of ['jane"; DROP TABLE users;--@acme.test', 'jane/../../api-tokens@acme.test', 'jane doe@acme.test', 'jane']) {
      const result = await world.revoke(['user', odd, '-r', oktaRunbook(), '--yes']);
      expect(result.code, odd).toBe(2);
      expect(result.exchanges, odd).toEqual([]);
    }
  });

  it('throttling: 429s are retried after X-Rate-Limit-Reset and counted on the outcome', async () => {
    const world = await oktaWorld({ resetSeconds: 1, throttleNextWrites: 2 });
    seedPerson(world, JANE, { groups: ['engineering'], signedIn: false });
    const started = Date.now();
    const { code, stdout, stderr, exchanges } = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes', '--json']);
    expect(code, stderr).toBe(0);
    const throttled = exchanges.filter((e) => e.status === 429);
    expect(throttled.map((e) => e.mutating)).toEqual([true, true]);
    expect(throttled[0]!.responseBody).toMatchObject({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' });
    // Each retry waited for the reset the 429 named (about a second).
    expect(Date.now() - started).toBeGreaterThan(900);
    expect(outcomes(stdout)).toEqual(['groups:revoked', 'suspend:revoked']);
    expect((JSON.parse(stdout) as { totals: { retries: number } }).totals.retries).toBe(2);
  });

  it('pacing: at most `concurrency` requests in flight, and none while X-Rate-Limit-Remaining is 0 until the reset', async () => {
    const world = await oktaWorld({ limitPerWindow: 6, windowSeconds: 2 });
    seedPerson(world, JANE, { groups: ['engineering', 'oncall'], signedIn: false });
    const { code, stderr, exchanges } = await world.revoke(['user', JANE, '-r', oktaRunbook({ provider: '\n    concurrency: 1' }), '--yes']);
    expect(code, stderr).toBe(0);
    expect(exchanges.length).toBeGreaterThan(6);
    // The org said when its window was used up; the client waited instead of running into 429s.
    expect(exchanges.filter((e) => e.status === 429)).toEqual([]);
  });

  it('pacing: a write waits ahead of the queued reads (containment is not held behind discovery), writes keep their order', async () => {
    const world = await oktaWorld({ latencyMs: 20 });
    const jane = seedPerson(world, JANE, { signedIn: true });
    const http = new OktaHttp({ orgUrl: world.sandbox.url, authorization: async () => `SSWS ${world.org.token}`, concurrency: 1, maxRetries: 0 });
    const reader = http.readOnlyView();
    const sent = [
      reader.get('/api/v1/users/me'),
      reader.get(`/api/v1/users/${jane.user.id}/groups`),
      reader.get(`/api/v1/users/${jane.user.id}/factors`),
      http.send('DELETE', `/api/v1/users/${jane.user.id}/sessions`),
      http.send('POST', `/api/v1/users/${jane.user.id}/lifecycle/suspend`),
      reader.get(`/api/v1/users/${jane.user.id}/roles`),
    ];
    await Promise.all(sent);
    expect(world.sandbox.exchanges.map((e) => `${e.method} ${e.route}`)).toEqual([
      'GET /api/v1/users/{userId}',
      'DELETE /api/v1/users/{userId}/sessions',
      'POST /api/v1/users/{userId}/lifecycle/suspend',
      'GET /api/v1/users/{userId}/groups',
      'GET /api/v1/users/{userId}/factors',
      'GET /api/v1/users/{userId}/roles',
    ]);
  });

  it('the 404 rule: a removal answered 404 while a fresh read still shows the thing is an error, not "already gone"', async () => {
    const world = await oktaWorld({ phantomNotFound: ['DELETE /api/v1/groups/{groupId}/users/{userId}'] });
    const jane = seedPerson(world, JANE, { groups: ['engineering'], signedIn: false });
    const { code, stdout } = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes', '--json']);
    expect(code).toBe(1);
    const failed = stepsOf(stdout)[0]!.findings.find((f) => f.kind === 'groups') as unknown as { outcome: string; error: string };
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/Okta answered 404 to removing member of group engineering, but a fresh read still shows it/);
    expect([...world.sandbox.state.groups.values()].find((g) => g.name === 'engineering')!.members.has(jane.user.id)).toBe(true);
  });

  it('5xx answers are retried with backoff', async () => {
    const world = await oktaWorld();
    seedPerson(world, JANE, { groups: ['engineering'], signedIn: false });
    world.sandbox.faults.failureRate = 0.3;
    const { code, stdout, stderr, exchanges } = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes', '--json']);
    expect(code, stderr).toBe(0);
    expect(exchanges.filter((e) => e.status === 500).length).toBeGreaterThan(0);
    expect(exchanges.find((e) => e.status === 500)!.responseBody).toMatchObject({ errorCode: 'E0000009', errorSummary: 'Internal Server Error' });
    expect(outcomes(stdout)).toEqual(['groups:revoked', 'suspend:revoked']);
    expect(world.sandbox.state.user(JANE)!.status).toBe('SUSPENDED');
  });

  it('dropped connections are retried like 5xx answers', async () => {
    const world = await oktaWorld({ seed: 3 });
    seedPerson(world, JANE, { groups: ['engineering'], signedIn: false });
    world.sandbox.faults.dropRate = 0.25;
    const { code, stdout, stderr, exchanges } = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes', '--json']);
    expect(code, stderr).toBe(0);
    expect(exchanges.filter((e) => e.status === 0).length).toBeGreaterThan(0);
    expect(outcomes(stdout)).toEqual(['groups:revoked', 'suspend:revoked']);
    expect(world.sandbox.state.user(JANE)!.status).toBe('SUSPENDED');
  });

  it('an org that cannot be reached exits 2 and says where it tried', async () => {
    const world = await oktaWorld();
    await world.sandbox.close();
    const { code, stderr } = await world.revoke(['user', JANE, '-r', oktaRunbook({ provider: '\n    maxRetries: 1' }), '--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot reach Okta for provider okta: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('missing or rejected credentials exit 2 and never echo the secret; http only on loopback', async () => {
    const world = await oktaWorld();
    const missing = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--dry-run'], { OKTA_API_TOKEN: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no Okta API token for provider okta: OKTA_API_TOKEN is not set/);
    const canary = 'canary-00ab-secret-token-4242';
    const rejected = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--dry-run'], { OKTA_API_TOKEN: canary });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/Okta rejected the credentials of provider okta \(HTTP 401 E0000011: Invalid token provided\)/);
    expect(rejected.stdout + rejected.stderr).not.toContain(canary);
    const plain = await world.revoke(['user', JANE, '-r', oktaRunbook({ provider: '\n    orgUrl: http://acme.okta.com' }), '--dry-run']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/must use https/);
  });

  it('a service app with a private-key JWT authenticates with the scopes of every kind', async () => {
    const world = await oktaWorld();
    seedPerson(world, JANE);
    const { privateKey, publicKey } = testRsaKeyPair();
    const scopes = ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage', 'okta.roles.manage', 'okta.apiTokens.manage', 'okta.logs.read'];
    expect(scopes).toEqual(SERVICE_APP_SCOPES);
    world.sandbox.state.serviceApps.set('0oaservice', { clientId: '0oaservice', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), scopes });
    const keyFile = join(writeTemp('key.pem', ''), '..', 'service.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const runbook = oktaRunbook({ provider: `\n    oauth:\n      clientId: 0oaservice\n      privateKeyFile: ${keyFile}` });
    const { code, stdout, stderr } = await world.revoke(['user', JANE, '-r', runbook, '--yes', '--json'], { OKTA_API_TOKEN: '' });
    expect(code, stderr).toBe(0);
    expect((JSON.parse(stdout) as { actors: Array<{ actor: string }> }).actors[0]!.actor).toMatch(/^Okta service app 0oaservice on /);
    expect(outcomes(stdout)).toContain('suspend:revoked');
    world.sandbox.state.serviceApps.get('0oaservice')!.scopes = scopes.slice(1);
    const narrow = await world.revoke(['user', JANE, '-r', runbook, '--dry-run'], { OKTA_API_TOKEN: '' });
    expect(narrow.code).toBe(2);
    expect(narrow.stderr).toMatch(/Okta rejected the credentials of provider okta \(HTTP 400 invalid_scope: The following scopes are not granted: okta.users.manage\)/);
  });

  it('audit: one paged user list (200 a page) says who has access', async () => {
    const world = await oktaWorld();
    seedPerson(world, JANE);
    for (let i = 0; i < 450; i++) world.sandbox.state.addUser(`filler${i}@acme.test`);
    world.sandbox.state.addUser('gone@acme.test', { status: 'DEPROVISIONED' });
    const users = writeTemp('users.txt', `${JANE}\ngone@acme.test\nnever@acme.test\n`);
    const { code, stdout, exchanges } = await world.revoke(['audit', '-r', oktaRunbook(), '--users', users, '--format', 'json']);
    expect(code).toBe(3);
    expect(stdout).toContain(JANE);
    const lists = exchanges.filter((e) => e.route === '/api/v1/users');
    expect(lists).toHaveLength(3);
    // `all` includes kind user, which deletes deactivated users too: they count as present.
    expect(lists[0]!.query).toEqual({ search: 'status pr', limit: '200' });
    // Only the two present people are looked at closely; never@ costs no call.
    expect(exchanges.filter((e) => e.route === '/api/v1/users/{userId}/grants').length).toBe(2);
    expect(exchanges.some((e) => e.path.includes('never'))).toBe(false);
  });

  it('revoke watch reads the System Log for the person: a refused refresh after the revocation is seen', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE);
    const run = await world.revoke(['user', JANE, '-r', oktaRunbook(), '--yes']);
    expect(run.code, run.stderr).toBe(0);
    const report = reportFiles(join(run.scratch, 'reports')).reports[0]!;
    const pub = join(run.scratch, 'revoke', 'signing-key.pub.pem');
    const quiet = await world.revoke(['watch', report, '--key', pub, '--report', join(run.scratch, 'watch')]);
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect((await personCan(world, jane)).refresh).toBe(400);
    const watched = await world.revoke(['watch', report, '--key', pub, '--format', 'json', '--report', join(run.scratch, 'watch')]);
    expect(watched.code).toBe(3);
    expect(JSON.parse(watched.stdout).events[0]).toMatchObject({ provider: 'okta', identity: JANE, outcome: 'denied', what: expect.stringMatching(/^Okta System Log: app\.oauth2\.token\.grant\.refresh_token/) });
  });

  it('without okta.logs.read: sessions are cleared anyway, and revoke watch says it could not look', async () => {
    const world = await oktaWorld();
    const jane = seedPerson(world, JANE, { groups: ['engineering'], signedIn: true });
    const { privateKey, publicKey } = testRsaKeyPair();
    const scopes = ['okta.users.manage', 'okta.groups.manage'];
    world.sandbox.state.serviceApps.set('0oanologs', { clientId: '0oanologs', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), scopes });
    const runbook = oktaRunbook({ provider: `\n    oauth:\n      clientId: 0oanologs\n      privateKeyEnv: OKTA_KEY\n      scopes: [${scopes.join(', ')}]`, kinds: 'sessions, groups' });
    const env = { OKTA_API_TOKEN: '', OKTA_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const run = await world.revoke(['user', JANE, '-r', runbook, '--yes', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    // Sessions are cleared even though the System Log cannot say whether they were already.
    expect(outcomes(run.stdout)).toEqual(['groups:revoked', 'sessions:revoked']);
    expect(stepsOf(run.stdout)[0]!.findings.find((f) => f.kind === 'sessions')!.label).toMatch(/System Log not readable, so maybe already cleared\)$/);
    expect(world.sandbox.state.sessions.filter((s) => s.userId === jane.user.id)).toEqual([]);
    const report = reportFiles(join(run.scratch, 'reports')).reports[0]!;
    const watched = await world.revoke(['watch', report, '--key', join(run.scratch, 'revoke', 'signing-key.pub.pem'), '--report', join(run.scratch, 'watch')], env);
    // Incomplete (exit 4): nothing seen, but the System Log could not be read, and it says why.
    expect(watched.code, watched.stdout + watched.stderr).toBe(4);
    expect(watched.stdout).toMatch(/okta: not checked: the System Log of .* is not readable with these credentials \(okta\.logs\.read or an admin role needed/);
  });

  it('revoke providers okta lists the scopes of every kind', async () => {
    const world = await oktaWorld();
    const { code, stdout } = await world.revoke(['providers', 'okta']);
    expect(code).toBe(0);
    for (const scope of ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage', 'okta.roles.manage', 'okta.apiTokens.manage', 'okta.logs.read']) expect(stdout).toContain(scope);
    expect(stdout).toMatch(/api-tokens/);
    // The least-privilege policy is the list a service app requests by default, and the list the service-app test grants.
    const [okta] = JSON.parse((await world.revoke(['providers', 'okta', '--json'])).stdout) as Array<{ policy: string[] }>;
    expect(okta!.policy).toEqual(SERVICE_APP_SCOPES);
  });
});
