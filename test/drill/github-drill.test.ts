import { expect, it } from 'vitest';
import { githubWorld, seedUser } from '../support/github.js';
import { writeTemp } from '../support/cli.js';

const runbook = () =>
  writeTemp(
    'gh-drill.yaml',
    `version: 1
name: gh-drill
providers:
  gh:
    type: github
    org: acme
    sla: 10s
steps:
  - id: gh-remove
    provider: gh
    user: "{{user}}"
    revoke: [org-membership]
`,
  );

it('a GitHub drill probes the canary account\'s own token (from REVOKE_DRILL_GITHUB_TOKEN) until the org refuses it, and leaves the account', async () => {
  const world = await githubWorld();
  seedUser(world, 'gh-canary', { role: 'member' });
  const canaryToken = world.sandbox.state.addToken('gh-canary', ['read:org']);
  const { code, stdout, stderr } = await world.revoke(['drill', '-r', runbook(), '--canary', 'gh-canary', '--json'], { REVOKE_DRILL_GITHUB_TOKEN: canaryToken });
  expect(code, stderr).toBe(0);
  const result = JSON.parse(stdout);
  expect(result.credentials).toMatchObject([{ provider: 'gh', credential: 'token', verdict: 'within-sla', slaMs: 10_000 }]);
  expect(world.sandbox.state.orgs.get('acme')!.members.has('gh-canary')).toBe(false);
  expect(world.sandbox.state.users.has('gh-canary')).toBe(true); // the account itself is the operator's
  expect(stdout + stderr).not.toContain(canaryToken);
});

it('refuses (exit 2) a canary token that belongs to someone else, before anything changes', async () => {
  const world = await githubWorld();
  seedUser(world, 'gh-canary', { role: 'member' });
  const othersToken = world.sandbox.state.addToken('ceo', ['read:org']);
  const { code, stderr } = await world.revoke(['drill', '-r', runbook(), '--canary', 'gh-canary'], { REVOKE_DRILL_GITHUB_TOKEN: othersToken });
  expect(code).toBe(2);
  expect(stderr).toMatch(/REVOKE_DRILL_GITHUB_TOKEN belongs to ceo, not to the canary gh-canary; nothing was changed/);
  expect(world.sandbox.state.orgs.get('acme')!.members.has('gh-canary')).toBe(true);
});
