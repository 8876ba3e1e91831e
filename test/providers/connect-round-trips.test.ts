import { describe, expect, it } from 'vitest';
import { githubProvider } from '../../src/providers/github/index.js';
import { githubRunbook, githubWorld, seedUser as seedGitHubPerson } from '../support/github.js';
import { ADMIN, googleRunbook, googleWorld, seedPerson as seedGooglePerson } from '../support/google.js';
import { oktaWorld, seedPerson as seedOktaPerson } from '../support/okta.js';
import { entraRunbook, entraWorld, seedUser as seedEntraPerson } from '../support/entra.js';
import { writeTemp } from '../support/cli.js';
import { countRoundTrips } from '../support/round-trips.js';

// Issue 18: the reads before containment (connect, guard, containment's own) go out together where
// they do not need each other's answers. Each sandbox delays its answers; a request that arrives
// before any answer of its round has left did not wait for one (test/support/round-trips.ts).
const LATENCY_MS = 120;
// The shipped okta-offboarding.yaml's shape (contain, access, remove), with fewer kinds.
const OKTA_THREE_STEPS = writeTemp(
  'okta-three-steps.yaml',
  `version: 1
name: okta-three-steps
providers:
  okta:
    type: okta
steps:
  - { id: okta-contain, provider: okta, user: "{{user}}", mode: disable, revoke: [sessions, suspend] }
  - { id: okta-access, provider: okta, user: "{{user}}", mode: disable, revoke: [admin-roles], dependsOn: [okta-contain] }
  - { id: okta-remove, provider: okta, user: "{{user}}", mode: delete, revoke: [factors], dependsOn: [okta-access] }
`,
);

describe('round trips before containment (issue 18)', () => {
  it("github: connect asks who the token is, the org and its members at once: one round trip", async () => {
    const world = await githubWorld();
    const trips = countRoundTrips(world.sandbox, LATENCY_MS);
    const config = githubProvider.configSchema.parse({ org: 'acme' });
    const connection = await githubProvider.connect(config, { instance: 'gh', env: { GITHUB_TOKEN: world.token, GITHUB_API_URL: world.sandbox.url }, signal: new AbortController().signal });
    expect(connection.actor).toBe('github:revoke-bot on acme');
    expect(connection.selfUser).toBe('revoke-bot');
    expect((connection.client as { canSeeMembers: boolean }).canSeeMembers).toBe(true);
    expect(trips.rounds().map((round) => round.map((e) => `${e.method} ${e.path}`).sort())).toEqual([['GET /orgs/acme', 'GET /orgs/acme/members', 'GET /user']]);
  });

  it('github: a token authorized for SAML SSO works until its authorization goes; contain first removes it one round trip after connect, whose reads went with the person\'s membership and authorizations', async () => {
    const world = await githubWorld();
    seedGitHubPerson(world, 'jdoe');
    const token = world.sandbox.state.addSsoAuthorizedToken('jdoe', 'acme', ['read:org', 'repo']);
    const members = () => fetch(`${world.sandbox.url}/orgs/acme/members?per_page=1`, { headers: { authorization: `token ${token}` } });
    expect((await members()).status).toBe(200);
    let duringDiscovery: Promise<number> | undefined;
    const trips = countRoundTrips(world.sandbox, LATENCY_MS, 3);
    const run = world.revoke(['user', 'jdoe', '-r', githubRunbook(), '--yes']);
    // The token's owner tries it the moment the first write has reached the sandbox.
    const poll = setInterval(() => {
      if (!duringDiscovery && world.sandbox.exchanges.some((e) => e.mutating && e.status !== 0)) duringDiscovery = members().then((r) => r.status);
    }, 2);
    const { code, stderr, exchanges } = await run.finally(() => clearInterval(poll));
    expect(code, stderr).toBe(0);
    const rounds = trips.rounds().map((round) => round.map((e) => `${e.mutating ? '*' : ''}${e.method} ${e.route}`).sort());
    expect(rounds[0]).toEqual(['GET /orgs/{org}', 'GET /orgs/{org}/credential-authorizations', 'GET /orgs/{org}/members', 'GET /orgs/{org}/memberships/{username}', 'GET /user']);
    // The three authorizations (two seeded, the token's) go first, in one round, with discovery's reads behind them.
    expect(rounds[1]!.filter((r) => r.startsWith('*'))).toEqual(Array(3).fill('*DELETE /orgs/{org}/credential-authorizations/{credential_id}'));
    // Read once for the run: containment's and discovery's reads of them are the cache's answers.
    const beforeRemoval = exchanges.slice(0, exchanges.findIndex((e) => e.method === 'DELETE' && e.route === '/orgs/{org}/memberships/{username}'));
    expect(beforeRemoval.filter((e) => e.caller === 'revoke-bot' && e.method === 'GET' && (e.route === '/orgs/{org}/memberships/{username}' || e.route === '/orgs/{org}/credential-authorizations')).map((e) => e.route).sort()).toEqual(['/orgs/{org}/credential-authorizations', '/orgs/{org}/memberships/{username}']);
    expect(await duringDiscovery).toBe(403);
    const refused = await members();
    expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([403, 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.']);
  });

  it('github: an owner is not contained first (the last-owner refusal comes from discovery, before any change)', async () => {
    const world = await githubWorld();
    seedGitHubPerson(world, 'boss', { role: 'admin', ssoCredentials: 1 });
    const { exchanges } = await world.revoke(['user', 'boss', '-r', githubRunbook(), '--yes']);
    const firstWrite = exchanges.findIndex((e) => e.mutating);
    const discoveryReads = exchanges.filter((e) => e.route === '/orgs/{org}/members/{username}/codespaces');
    expect(discoveryReads.length).toBeGreaterThan(0);
    // Nothing was sent before discovery had read everything (no containment for an owner).
    if (firstWrite >= 0) expect(exchanges.indexOf(discoveryReads[0]!)).toBeLessThan(firstWrite);
  });

  it('okta, three steps: who am I and the person (once for every step) together, the super admin guard, then the session clear and the suspension together', async () => {
    const world = await oktaWorld();
    seedOktaPerson(world, 'jane.doe@acme.test', { roles: [], factors: ['push'], signedIn: true });
    const trips = countRoundTrips(world.sandbox, LATENCY_MS, 2);
    const { code, stderr } = await world.revoke(['user', 'jane.doe@acme.test', '-r', OKTA_THREE_STEPS, '--yes']);
    expect(code, stderr).toBe(0);
    const rounds = trips.rounds().map((round) => round.map((e) => `${e.mutating ? '*' : ''}${e.method} ${e.route}${e.path.endsWith('/me') ? ' (me)' : ''}`).sort());
    expect(rounds.slice(0, -1)).toEqual([['GET /api/v1/users/{userId}', 'GET /api/v1/users/{userId} (me)'], ['GET /api/v1/users/{userId}/roles']]);
    // Discovery's reads follow containment out of the door, in the same round.
    expect(rounds.at(-1)!.filter((request) => request.startsWith('*'))).toEqual(['*DELETE /api/v1/users/{userId}/sessions', '*POST /api/v1/users/{userId}/lifecycle/suspend']);
  });

  it("google-workspace: after the token, the impersonated admin and the person are read together (once), then signed out", async () => {
    const world = await googleWorld();
    seedGooglePerson(world, 'jane.doe@acme.example');
    const trips = countRoundTrips(world.sandbox, LATENCY_MS);
    const { code, stderr } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: false }), '--yes']);
    expect(code, stderr).toBe(0);
    const rounds = trips.rounds().map((round) => round.map((e) => `${e.mutating ? '*' : ''}${e.method} ${e.api} ${decodeURIComponent(e.path)}`).sort());
    expect(rounds.slice(0, 2)).toEqual([['POST oauth /token'], [`GET directory users/${ADMIN}`, 'GET directory users/jane.doe@acme.example', 'GET directory users/jane.doe@acme.example/verificationCodes']]);
    expect(rounds.at(-1)!.filter((request) => request.startsWith('*'))).toEqual(['*POST directory users/jane.doe@acme.example/signOut']);
  });

  it('google-workspace: with backup codes in the step, they go with the sign-out and the suspension follows one round later, before every other phase', async () => {
    const world = await googleWorld();
    const person = seedGooglePerson(world, 'john.roe@acme.example');
    expect(world.sandbox.state.user('john.roe@acme.example')!.backupCodes.length).toBeGreaterThan(0);
    const trips = countRoundTrips(world.sandbox, LATENCY_MS, 3);
    const { code, stderr } = await world.revoke(['user', 'john.roe@acme.example', '-r', googleRunbook(world, { remove: false }), '--yes']);
    expect(code, stderr).toBe(0);
    const writes = trips.rounds().map((round) => round.filter((e) => e.mutating).map((e) => `${e.method} ${decodeURIComponent(e.path)}`).sort());
    expect(writes.slice(0, 2)).toEqual([[], []]); // the token, then the guard's and containment's reads
    expect(writes.slice(2).filter((round) => round.length > 0)).toEqual([
      ['POST users/john.roe@acme.example/signOut', 'POST users/john.roe@acme.example/verificationCodes/invalidate'],
      ['PUT users/john.roe@acme.example'],
    ]);
    expect(world.sandbox.exchanges.find((e) => e.method === 'PUT')!.requestBody).toMatchObject({ suspended: true });
    // The password and the app password are refused from the suspension on, long before their own phases.
    const userinfo = (secret: string) => fetch(new URL('/oauth2/v3/userinfo', world.sandbox.url), { headers: { authorization: `Basic ${Buffer.from(`john.roe@acme.example:${secret}`).toString('base64')}` } });
    expect((await userinfo(person.appPasswords[0]!)).status).toBe(401);
  });

  /** Entra's rounds of requests for a run revoking `revoke` from jane (the token left out; `*` marks a change), empty rounds dropped. */
  async function entraRounds(revoke: string): Promise<string[][]> {
    const world = await entraWorld();
    seedEntraPerson(world, `jane@${world.sandbox.state.domain}`);
    const trips = countRoundTrips(world.sandbox, LATENCY_MS);
    const { code, stderr } = await world.revoke(['user', `jane@${world.sandbox.state.domain}`, '-r', entraRunbook({ revoke }), '--yes']);
    expect(code, stderr).toBe(0);
    return trips
      .rounds()
      .map((round) => round.filter((e) => e.route !== 'token').map((e) => `${e.mutating ? '*' : ''}${e.method} ${e.route}`).sort())
      .filter((round) => round.length > 0);
  }

  it('entra-id: after the token, the organization and the person are read together (connect was told the run\'s people), then sign-in is blocked', async () => {
    const rounds = await entraRounds('account, sessions');
    expect(rounds[0]).toEqual(['GET /organization', 'GET /users/{user-id}']);
    expect(rounds.at(-1)!.filter((request) => request.startsWith('*'))).toEqual(['*PATCH /users/{user-id}']);
  });

  it('entra-id: with directory-roles, the Global Administrator holders are read beside the person, so the block still goes one round trip later (it went four: the person\'s assignments, their role names, then the block)', async () => {
    const rounds = await entraRounds('account, sessions, directory-roles');
    expect(rounds[0]).toEqual(['GET /organization', 'GET /roleManagement/directory/roleAssignments', 'GET /users/{user-id}']);
    expect(rounds[1]).toContain('*PATCH /users/{user-id}');
  });

  it('google-workspace: an impersonated admin that cannot read itself stops the run (exit 2) before any change, though connect no longer waits for it', async () => {
    const world = await googleWorld();
    seedGooglePerson(world, 'jane.doe@acme.example');
    world.sandbox.state.user(ADMIN)!.isAdmin = false;
    const { code, stderr, exchanges } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: false }), '--yes']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the impersonated admin it-admin@acme\.example cannot read itself in the directory \(provider google\): HTTP 403/);
    expect(exchanges.filter((e) => e.mutating)).toEqual([]);
  });
});
