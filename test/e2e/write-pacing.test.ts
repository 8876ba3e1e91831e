import { describe, expect, it } from 'vitest';
import { writeTemp } from '../support/cli.js';
import { githubRunbook, githubWorld, seedUser } from '../support/github.js';
import { runBin } from '../support/spawn.js';

// The write pacing a real run has (no writeIntervalMs in the runbook), through the shipped binary:
// a containment of a few SSO authorizations goes out at once, later writes keep GitHub's pause.
describe('GitHub write pacing and retries through node bin/revoke.js', () => {
  it("with GitHub's default pacing, three SSO authorizations are removed at once; the step's later writes wait their turn", async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', ssoCredentials: 3, codespaces: ['api'], copilot: true });
    const runbook = writeTemp(
      'paced.yaml',
      `version: 1
name: paced
providers:
  gh: { type: github, org: acme }
protect:
  gh: [ceo]
steps:
  - { id: gh-credentials, provider: gh, user: "{{user}}", revoke: [sso-authorizations, codespaces, copilot-seat] }
  - { id: gh-membership, provider: gh, user: "{{user}}", revoke: [org-membership], dependsOn: [gh-credentials] }
`,
    );
    const mark = world.sandbox.exchanges.length;
    const run = await runBin(['user', 'octo-jane', '-r', runbook, '--yes', '--json'], { env: { GITHUB_TOKEN: world.token, GITHUB_API_URL: world.sandbox.url }, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    const writes = world.sandbox.exchanges.slice(mark).filter((e) => e.mutating).map((e) => ({ route: e.route, at: e.startedAt }));
    const sso = writes.filter((w) => w.route === '/orgs/{org}/credential-authorizations/{credential_id}');
    expect(sso).toHaveLength(3);
    expect(sso[2]!.at - sso[0]!.at).toBeLessThan(500); // one second apart each, they took two
    // Seven writes in all (three removals, a codespace stopped and deleted, the Copilot seat, the
    // membership): the burst of five, then one more per second.
    expect(writes).toHaveLength(7);
    expect(writes[6]!.at - writes[0]!.at).toBeGreaterThanOrEqual(1000 - 50);
    expect(world.sandbox.state.orgs.get('acme')!.members.has('octo-jane')).toBe(false);
  }, 40_000);

  it('retries what GitHub holds back with a secondary rate limit, after its Retry-After, and the person\'s own token is refused by the end', async () => {
    const world = await githubWorld({ seed: 7, retryAfterSeconds: 1 });
    seedUser(world, 'octo-jane', { role: 'member', ssoCredentials: 1 });
    const personToken = world.sandbox.state.addSsoAuthorizedToken('octo-jane', 'acme', ['read:org']);
    const members = () => fetch(`${world.sandbox.url}/orgs/acme/members?per_page=1`, { headers: { authorization: `token ${personToken}` } });
    expect((await members()).status).toBe(200);
    world.sandbox.faults.secondaryRateLimitRate = 0.3;
    const mark = world.sandbox.exchanges.length;
    const run = await runBin(['user', 'octo-jane', '-r', githubRunbook(), '--yes', '--json'], { env: { GITHUB_TOKEN: world.token, GITHUB_API_URL: world.sandbox.url }, timeoutMs: 60_000 });
    world.sandbox.faults.secondaryRateLimitRate = 0;
    expect(run.code, run.stderr).toBe(0);
    const exchanges = world.sandbox.exchanges.slice(mark);
    const limited = exchanges.filter((e) => e.status === 403 || e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const hit of limited) {
      const retry = exchanges.find((e) => e.startedAt > hit.startedAt && e.method === hit.method && e.path === hit.path);
      expect(retry, `${hit.method} ${hit.path} was retried`).toBeDefined();
      expect(retry!.startedAt - hit.finishedAt).toBeGreaterThanOrEqual(950);
    }
    // Each retry of a revoke is on the record.
    expect(JSON.parse(run.stdout).totals.retries).toBe(limited.filter((e) => e.mutating).length);
    expect((await members()).status).not.toBe(200);
  }, 70_000);
});
