import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { entraRunbook, entraWorld, redeemRefreshToken, seedUser as seedEntraUser } from '../support/entra.js';
import { googleRunbook, googleWorld, seedPerson as seedGooglePerson } from '../support/google.js';
import { oktaRunbook, oktaWorld, seedPerson } from '../support/okta.js';

/** The in-process CLI writes its report under the working directory by default: keep it out of the checkout. */
const reportDir = () => mkdtempSync(join(tmpdir(), 'revoke-idp-drill-'));

// One sandbox a test: the support closes (and spec-checks) every sandbox after each test.

const oktaDrillRunbook = () => oktaRunbook({ provider: '\n    sla: 10s' });

it("an Okta drill probes the canary's own session and API token (from the environment) until Okta refuses them, and leaves the account suspended", async () => {
  const okta = await oktaWorld();
  const secrets = seedPerson(okta, 'drill-canary@acme.test', { groups: ['engineering'], apiTokens: [{ name: 'canary' }], signedIn: true });
  const env = { REVOKE_DRILL_OKTA_SESSION: secrets.sessionId!, REVOKE_DRILL_OKTA_API_TOKEN: secrets.apiTokens[0]! };
  const { code, stdout, stderr } = await okta.revoke(['drill', '-r', oktaDrillRunbook(), '--canary', 'drill-canary@acme.test', '--json', '--report', reportDir()], env);
  expect(code, stderr).toBe(0);
  const result = JSON.parse(stdout);
  expect(result.credentials).toMatchObject([
    { provider: 'okta', credential: 'session', verdict: 'within-sla', slaMs: 10_000 },
    { provider: 'okta', credential: 'api-token', verdict: 'within-sla', slaMs: 10_000 },
  ]);
  // The effect, through the canary's own credentials: both now refused.
  const session = await fetch(`${okta.sandbox.url}/api/v1/sessions/me`, { headers: { cookie: `sid=${env.REVOKE_DRILL_OKTA_SESSION}` } });
  const token = await fetch(`${okta.sandbox.url}/api/v1/users/me`, { headers: { authorization: `SSWS ${env.REVOKE_DRILL_OKTA_API_TOKEN}` } });
  expect([session.status, token.status]).toEqual([404, 401]);
  expect(secrets.user.status).toBe('SUSPENDED');
  for (const secret of Object.values(env)) expect(stdout + stderr).not.toContain(secret);
});

it('refuses (exit 2) an Okta session that belongs to someone else, before anything changes', async () => {
  const okta = await oktaWorld();
  seedPerson(okta, 'drill-canary2@acme.test', { groups: ['engineering'], signedIn: true });
  const other = seedPerson(okta, 'bystander@acme.test', { groups: ['engineering'], signedIn: true });
  const { code, stderr, exchanges } = await okta.revoke(['drill', '-r', oktaDrillRunbook(), '--canary', 'drill-canary2@acme.test', '--report', reportDir()], { REVOKE_DRILL_OKTA_SESSION: other.sessionId! });
  expect(code).toBe(2);
  expect(stderr).toMatch(/REVOKE_DRILL_OKTA_SESSION belongs to bystander@acme.test, not to the canary drill-canary2@acme.test; nothing was changed/);
  expect(exchanges.filter((e) => e.mutating)).toEqual([]);
  expect(stderr).not.toContain(other.sessionId!);
});

// Entra through the built binary (what ships): the entra support spawns `node bin/revoke.js` (`npm run build` first).
it("an Entra drill (built binary) tries the canary's refresh token and password grants until Entra refuses them, and leaves the account disabled", async () => {
  const entra = await entraWorld();
  const upn = `drill-canary@${entra.sandbox.state.domain}`;
  const { user, refreshToken } = seedEntraUser(entra, upn, { password: 'Canary-pa55word!', groups: ['engineering'] });
  const env = { REVOKE_DRILL_ENTRA_CLIENT_ID: 'outlook-mobile', REVOKE_DRILL_ENTRA_REFRESH_TOKEN: refreshToken, REVOKE_DRILL_ENTRA_PASSWORD: 'Canary-pa55word!' };
  const { code, stdout, stderr } = await entra.revoke(['drill', '-r', entraRunbook({ provider: '\n    sla: 10s' }), '--canary', upn, '--json', '--report', reportDir()], env);
  expect(code, stderr).toBe(0);
  expect(JSON.parse(stdout).credentials).toMatchObject([
    { provider: 'entra', credential: 'refresh-token', verdict: 'within-sla' },
    { provider: 'entra', credential: 'password', verdict: 'within-sla' },
  ]);
  expect((await redeemRefreshToken(entra.sandbox, refreshToken)).body.error).toBe('invalid_grant');
  expect(user.accountEnabled).toBe(false);
  for (const secret of [refreshToken, env.REVOKE_DRILL_ENTRA_PASSWORD]) expect(stdout + stderr).not.toContain(secret);
});

it("a Google Workspace drill probes the canary's session cookie and an app's OAuth token at userinfo until Google refuses them, and leaves the account suspended", async () => {
  const google = await googleWorld();
  const email = 'drill-canary@acme.example';
  const held = seedGooglePerson(google, email, { lastLoginMinutesAgo: 5, oauthApps: [{ clientId: 'slack-app', name: 'Slack', scopes: ['openid', 'email'] }] });
  const env = { REVOKE_DRILL_GOOGLE_SESSION: held.sessionCookie, REVOKE_DRILL_GOOGLE_OAUTH_TOKEN: held.appTokens['slack-app']! };
  const { code, stdout, stderr } = await google.revoke(['drill', '-r', googleRunbook(google, { provider: '\n    sla: 10s', remove: false }), '--canary', email, '--json', '--report', reportDir()], env);
  expect(code, stderr).toBe(0);
  expect(JSON.parse(stdout).credentials).toMatchObject([
    { provider: 'google', credential: 'session', verdict: 'within-sla' },
    { provider: 'google', credential: 'oauth-token', verdict: 'within-sla' },
  ]);
  const userinfo = new URL('/oauth2/v3/userinfo', google.sandbox.url);
  expect((await fetch(userinfo, { headers: { cookie: `SID=${held.sessionCookie}` } })).status).toBe(401);
  expect((await fetch(userinfo, { headers: { authorization: `Bearer ${env.REVOKE_DRILL_GOOGLE_OAUTH_TOKEN}` } })).status).toBe(401);
  expect(google.sandbox.state.user(email)!.suspended).toBe(true);
  for (const secret of Object.values(env)) expect(stdout + stderr).not.toContain(secret);
});

it('refuses (exit 2) a Google drill without the canary credentials in the environment, naming the variables', async () => {
  const google = await googleWorld();
  seedGooglePerson(google, 'drill-canary@acme.example', { lastLoginMinutesAgo: 5 });
  const { code, stderr, exchanges } = await google.revoke(['drill', '-r', googleRunbook(google, { remove: false }), '--canary', 'drill-canary@acme.example', '--report', reportDir()]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/neither REVOKE_DRILL_GOOGLE_SESSION nor REVOKE_DRILL_GOOGLE_OAUTH_TOKEN is set/);
  expect(exchanges.filter((e) => e.mutating)).toEqual([]);
});

it('refuses (exit 2) an Okta API token that no longer works, without printing it, before anything changes', async () => {
  const okta = await oktaWorld();
  seedPerson(okta, 'drill-canary@acme.test', { groups: ['engineering'], signedIn: true });
  const { code, stderr, exchanges } = await okta.revoke(['drill', '-r', oktaDrillRunbook(), '--canary', 'drill-canary@acme.test', '--report', reportDir()], { REVOKE_DRILL_OKTA_API_TOKEN: '00revokedTokenValue0000000000000000000000' });
  expect(code).toBe(2);
  expect(stderr).toMatch(/Okta refused REVOKE_DRILL_OKTA_API_TOKEN \(HTTP 401\) before the drill began; nothing was changed/);
  expect(stderr).not.toContain('00revokedTokenValue');
  expect(exchanges.filter((e) => e.mutating)).toEqual([]);
});
