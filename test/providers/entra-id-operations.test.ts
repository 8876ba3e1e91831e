import { createSign } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntraExchange } from '../../src/sandbox/entra/server.js';
import { entraRunbook, entraWorld, findingsOf, redeemRefreshToken, seedUser } from '../support/entra.js';
import { graphSpecViolations } from '../support/msgraph-spec.js';
import { testRsaKeyPair } from '../support/rsa-key.js';

const JANE = 'jane@contoso.example';

/** A run whose reports and signing key land in a folder the test can read. */
function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-entra-'));
  return { dir, reports: join(dir, 'reports'), env: { XDG_CONFIG_HOME: dir }, pub: join(dir, 'revoke', 'signing-key.pub.pem') };
}

// Each test runs the real binary several times (process start, SDK load, TLS): allow for a loaded CI machine.
describe('entra-id: watch, audits, the self guard and the 404 rule', { timeout: 90_000 }, () => {
  it('revoke watch reads the sign-in log: refused attempts after the revocation are events; no licence is "not checked"', async () => {
    const world = await entraWorld();
    const { refreshToken } = seedUser(world, JANE, { groups: ['engineering'] });
    const where = scratch();
    const run = await world.revoke(['user', JANE, '-r', entraRunbook(), '--yes', '--report', where.reports], where.env);
    expect(run.code, run.stderr).toBe(0);
    const report = join(where.reports, readdirSync(where.reports).find((f) => f.endsWith('.intoto.json'))!);
    const quiet = await world.revoke(['watch', report, '--key', where.pub], where.env);
    expect(quiet.code, quiet.stderr + quiet.stdout).toBe(0);
    // Their phone's mail app tries to refresh: Entra refuses (the account is disabled) and logs it.
    expect((await redeemRefreshToken(world.sandbox, refreshToken)).body.error_codes).toEqual([50057]);
    const watched = await world.revoke(['watch', report, '--key', where.pub, '--format', 'json'], where.env);
    expect(watched.code, watched.stderr).toBe(3);
    expect(JSON.parse(watched.stdout).events[0]).toMatchObject({ provider: 'entra', identity: JANE, what: 'non-interactive sign-in to Office 365 refused (50057: User account is disabled.)', outcome: 'denied' });
    world.sandbox.state.flags.signInLogsLicensed = false;
    const unlicensed = await world.revoke(['watch', report, '--key', where.pub], where.env);
    expect(unlicensed.stdout).toContain('entra: not checked: the sign-in log is not available (it needs Entra ID P1 or P2 and AuditLog.Read.All)');
  });

  it('audit: one paged GET /users (@odata.nextLink) answers for everyone; absent people cost no call', async () => {
    const world = await entraWorld({ pageSize: 2 });
    for (const name of ['ann', 'bob', 'cat', 'dan']) seedUser(world, `${name}@contoso.example`, { groups: ['engineering'] });
    const users = join(mkdtempSync(join(tmpdir(), 'revoke-entra-')), 'departed.txt');
    writeFileSync(users, ['bob@contoso.example', 'gone@contoso.example', 'left@contoso.example'].join('\n'));
    const audit = await world.revoke(['audit', '-r', entraRunbook(), '--users', users]);
    expect(audit.code, audit.stderr).toBe(3);
    const listing = audit.exchanges.filter((e) => e.route === '/users');
    expect(listing.length).toBe(3); // 5 users (with the admin), 2 per page
    expect(listing.slice(1).every((e) => typeof e.query.$skiptoken === 'string')).toBe(true);
    const perUser = audit.exchanges.filter((e) => e.route === '/users/{user-id}').map((e) => decodeURIComponent(e.path.split('/')[2]!));
    expect(perUser).toEqual(['bob@contoso.example']);
    expect(audit.exchanges.filter((e) => e.mutating)).toEqual([]);
  });

  it('delegated sign-in (DefaultAzureCredential, a person): that person cannot revoke themselves (exit 2)', async () => {
    const world = await entraWorld();
    const { user: ops } = seedUser(world, 'ops@contoso.example', { password: 'correct horse battery staple' });
    seedUser(world, JANE, { groups: ['engineering'] });
    const delegated = { AZURE_CLIENT_SECRET: '', AZURE_USERNAME: 'ops@contoso.example', AZURE_PASSWORD: 'correct horse battery staple' };
    const runbook = entraRunbook({ provider: '\n    auth: default' });
    const self = await world.revoke(['user', 'ops@contoso.example', '-r', runbook, '--yes'], delegated);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('would revoke "ops@contoso.example", the identity revoke itself is running as on entra');
    expect(self.exchanges.filter((e) => e.mutating)).toEqual([]);
    const byObjectId = await world.revoke(['user', ops.id, '-r', runbook, '--yes'], delegated);
    expect(byObjectId.code).toBe(2);
    expect(byObjectId.stderr).toContain(`${ops.id} is ops@contoso.example, the person revoke is signed in as`);
    expect(byObjectId.exchanges.filter((e) => e.mutating)).toEqual([]);
    const other = await world.revoke(['user', JANE, '-r', runbook, '--yes', '--json'], delegated);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).actors[0].actor).toBe('ops@contoso.example (delegated) in Contoso');
    expect(other.stdout + other.stderr).not.toContain('correct horse');
  });

  it('workload identity federation in CI (auth: default): a CI-issued token file is exchanged for a Graph token', async () => {
    const world = await entraWorld();
    seedUser(world, JANE, { groups: ['engineering'] });
    const ci = testRsaKeyPair();
    const issuer = 'https://token.actions.githubusercontent.com';
    const subject = 'repo:acme/offboarding:environment:production';
    world.sandbox.state.apps.get(world.operator.clientId)!.federated = [{ issuer, subject, publicKey: ci.publicKey }];
    const jwt = (payload: object) => {
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(ci.privateKey).toString('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'revoke-entra-')), 'federated-token');
    writeFileSync(tokenFile, jwt({ iss: issuer, sub: subject, aud: 'api://AzureADTokenExchange', iat: now, exp: now + 300 }));
    const runbook = entraRunbook({ provider: '\n    auth: default', revoke: 'groups' });
    const federated = { AZURE_CLIENT_SECRET: '', AZURE_FEDERATED_TOKEN_FILE: tokenFile };
    const run = await world.revoke(['user', JANE, '-r', runbook, '--yes', '--json'], federated);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).actors[0].actor).toBe(`app ${world.operator.clientId} in Contoso`);
    expect(findingsOf(run.stdout)).toMatchObject([{ kind: 'groups', outcome: 'revoked' }]);
    // A token for another subject (another repository's job) is refused: exit 2 before anything runs.
    writeFileSync(tokenFile, jwt({ iss: issuer, sub: 'repo:evil/fork:ref:refs/heads/main', aud: 'api://AzureADTokenExchange', iat: now, exp: now + 300 }));
    const refused = await world.revoke(['user', JANE, '-r', runbook, '--yes'], federated);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no federated credential of the app matches');
  });

  it('the 404 rule: a 404 to a removal is "already gone" only when a fresh read confirms it', async () => {
    const world = await entraWorld({ concurrentRemoval: 1 });
    const { user } = seedUser(world, JANE, { groups: ['engineering'] });
    const gone = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'groups' }), '--yes', '--json']);
    expect(gone.code, gone.stderr).toBe(0);
    expect(findingsOf(gone.stdout)).toMatchObject([{ kind: 'groups', outcome: 'already-gone' }]);
    const group = world.sandbox.state.addGroup('platform');
    group.members.add(user.id);
    world.sandbox.faults.phantomNotFound = 1;
    const stillThere = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'groups' }), '--yes', '--json']);
    expect(stillThere.code).toBe(1);
    expect(stillThere.stdout).toContain('Graph answered 404 to removing member of group platform, but a fresh read still shows it');
    expect(group.members.has(user.id)).toBe(true);
  });
});

describe("the Microsoft Graph description check", () => {
  const ok: EntraExchange = { method: 'PATCH', route: '/users/{user-id}', path: '/users/x', query: {}, requestBody: { accountEnabled: false }, status: 204, responseBody: undefined, mutating: true, batched: false, caller: '', at: 0 };
  it('accepts what Graph documents and rejects a bad body, status, query option or route', () => {
    expect(graphSpecViolations(ok)).toEqual([]);
    expect(graphSpecViolations({ ...ok, requestBody: { accountEnabeld: false } })[0]).toContain('request body');
    expect(graphSpecViolations({ ...ok, requestBody: { accountEnabled: 'no' } })[0]).toContain('request body');
    expect(graphSpecViolations({ ...ok, status: 200, responseBody: {} })[0]).toContain('status 200 is not documented');
    expect(graphSpecViolations({ ...ok, status: 404, responseBody: { error: { code: 'Request_ResourceNotFound', message: 'gone' } } })).toEqual([]);
    expect(graphSpecViolations({ ...ok, status: 404, responseBody: { message: 'nope' } })[0]).toContain('response body');
    expect(graphSpecViolations({ ...ok, query: { per_page: '5' } })[0]).toContain('query parameter per_page is not documented');
    expect(graphSpecViolations({ ...ok, method: 'GET', query: { $top: 'many' } })[0]).toContain('query $top');
    expect(graphSpecViolations({ ...ok, method: 'PUT', route: '/users/{user-id}' })[0]).toContain("is not in Microsoft Graph's OpenAPI description");
    const batch: EntraExchange = { ...ok, method: 'POST', route: '/$batch', path: '/$batch', requestBody: { requests: [{ id: '0', method: 'GET', url: 'users' }] }, status: 200, responseBody: { responses: [] } };
    expect(graphSpecViolations(batch)[0]).toContain('request body');
    const get: EntraExchange = { ...ok, method: 'GET', route: '/users/{user-id}/authentication/methods', requestBody: undefined, status: 200, responseBody: { value: [{ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'a', phoneNumber: '+1', phoneType: 'mobile' }] } };
    expect(graphSpecViolations(get)).toEqual([]);
    expect(graphSpecViolations({ ...get, responseBody: { value: [{ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'a', phoneType: 'landline' }] } })[0]).toContain('response body');
    expect(graphSpecViolations({ ...get, responseBody: { value: [{ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'a', phoneNumber: '+1' }] } })[0]).toContain('response body');
  });
});
