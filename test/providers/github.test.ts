import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportFiles } from '../support/reports.js';
import { describe, expect, it } from 'vitest';
import { githubProvider } from '../../src/providers/github/index.js';
import { seedGitHubUser } from '../../src/sandbox/github/seed.js';
import { EVERYTHING, githubRunbook, githubWorld, seedUser } from '../support/github.js';
import { testRsaKeyPair } from '../support/rsa-key.js';

const runbook = githubRunbook();

describe('github provider against the GitHub sandbox (real Octokit over HTTP, spec-checked)', () => {
  it('discovers and revokes every kind a token can reach; pat-grants is skipped with the reason', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { ...EVERYTHING, invitation: false });
    seedGitHubUser(world.sandbox, 'acme', { login: 'octo-invitee', invitation: true });
    seedGitHubUser(world.sandbox, 'acme', { login: 'octo-contractor', outsideCollaborator: ['api'] });
    const org = world.sandbox.state.orgs.get('acme')!;
    const { code, stdout, stderr } = await world.revoke(['user', 'octo-jane', '-r', runbook, '--yes', '--json']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    const kinds = result.steps.flatMap((s: { findings: Array<{ kind: string; outcome: string }> }) => s.findings.map((f) => `${f.kind}:${f.outcome}`));
    expect(kinds.sort()).toEqual(
      ['codespaces:revoked', 'copilot-seat:revoked', 'org-membership:revoked', 'repo-collaborator:revoked', 'sso-authorizations:revoked', 'sso-authorizations:revoked'].sort(),
    );
    expect(result.steps[0].skippedKinds).toEqual([{ kind: 'pat-grants', reason: 'GitHub lists fine-grained token grants only to GitHub Apps; configure app: on the provider to revoke them' }]);
    expect(result.actors[0].actor).toBe('github:revoke-bot on acme');
    expect(org.members.has('octo-jane')).toBe(false);
    expect(org.credentialAuthorizations.filter((c) => c.login === 'octo-jane')).toEqual([]);
    expect(org.codespaces).toEqual([]);
    expect(org.copilotSeats.has('octo-jane')).toBe(false);
    expect(org.repos.get('infra')!.collaborators.has('octo-jane')).toBe(false);
    const contractor = await world.revoke(['user', 'octo-contractor', '-r', runbook, '--yes', '--json']);
    expect(JSON.parse(contractor.stdout).steps[1].findings.map((f: { kind: string; outcome: string }) => `${f.kind}:${f.outcome}`)).toEqual(['outside-collaborator:revoked', 'repo-collaborator:already-gone']);
    expect(org.outsideCollaborators.has('octo-contractor')).toBe(false);
    const membership = result.steps[1].findings.find((f: { kind: string }) => f.kind === 'org-membership');
    expect(membership.details).toEqual({ role: 'member', teams: 'platform,oncall' });
    expect(result.warnings).toContain("gh-membership: scanRepos lists the direct collaborators of every repository in acme: at least one request per repository, paced by GitHub's rate limits");
    // The invitation of another login is left alone.
    expect(org.invitations.map((i) => i.login)).toEqual(['octo-invitee']);
    const invited = await world.revoke(['user', 'octo-invitee', '-r', runbook, '--yes']);
    expect(invited.code).toBe(0);
    expect(org.invitations).toEqual([]);
  });

  it('blast radius: recently used SSO credentials and token grants, and sole repo admins, are warnings', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', ssoCredentials: 1, patGrants: 1, repoCollaborator: ['infra'] });
    const org = world.sandbox.state.orgs.get('acme')!;
    org.credentialAuthorizations[0]!.accessed = new Date(Date.now() - 2 * 3600_000);
    org.patGrants[0]!.lastUsed = new Date(Date.now() - 5 * 60_000);
    const { privateKey, publicKey } = testRsaKeyPair();
    world.sandbox.state.apps.set(42, { publicKey, installations: new Map([[7, { org: 'acme', permissions: { members: 'write', organization_personal_access_tokens: 'write', organization_personal_access_token_requests: 'write', organization_codespaces: 'write', organization_copilot_seat_management: 'write', administration: 'write' } }]]) });
    const appRunbook = githubRunbook('\n    app:\n      appId: 42\n      installationId: 7\n      privateKeyEnv: GH_APP_KEY');
    const { code, stdout } = await world.revoke(['user', 'octo-jane', '-r', appRunbook, '--dry-run', '--json', '--fail-on-warning'], { GH_APP_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(code).toBe(3);
    const warnings: string[] = JSON.parse(stdout).warnings;
    expect(warnings.some((w) => /^gh-credentials: personal access token …a1b2c3d0 of octo-jane accessed acme 2 h ago/.test(w))).toBe(true);
    expect(warnings.some((w) => /^gh-credentials: token "octo-jane-automation-1" of octo-jane was used 5 min ago: looks like automation/.test(w))).toBe(true);
    expect(warnings).toContain('gh-membership: octo-jane is the only direct admin of acme/infra: give it another admin first');
  });

  it('revoke watch reads the org audit log for the departed login (and says when there is none)', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member' });
    const run = await world.revoke(['user', 'octo-jane', '-r', runbook, '--yes']);
    expect(run.code).toBe(0);
    const report = reportFiles(join(run.scratch, 'reports')).reports[0]!;
    const pub = join(run.scratch, 'revoke', 'signing-key.pub.pem');
    const quiet = await world.revoke(['watch', report, '--key', pub]);
    expect(quiet.code, quiet.stderr).toBe(0);
    // GitHub's org audit log records what the person did (a documented event), e.g. through a
    // path the run did not cover; events of others and events before the run do not count.
    const log = world.sandbox.state.orgs.get('acme')!.auditLog!;
    log.push({ id: 'before', actor: 'octo-jane', action: 'repo.download_zip', at: new Date(Date.now() - 3_600_000) });
    log.push({ id: 'other', actor: 'someone-else', action: 'repo.download_zip', at: new Date() });
    expect((await world.revoke(['watch', report, '--key', pub])).code).toBe(0);
    log.push({ id: 'after', actor: 'octo-jane', action: 'repo.download_zip', at: new Date() });
    const watched = await world.revoke(['watch', report, '--key', pub, '--format', 'json']);
    expect(watched.code).toBe(3);
    expect(JSON.parse(watched.stdout).events).toEqual([expect.objectContaining({ provider: 'gh', identity: 'octo-jane', what: 'GitHub audit log: repo.download_zip by octo-jane' })]);
    world.sandbox.state.orgs.get('acme')!.auditLog = undefined; // not Enterprise Cloud
    // Not having looked is not quiet: exit 4 (incomplete), and the signed watch report says so.
    const noLog = await world.revoke(['watch', report, '--key', pub]);
    expect(noLog.code).toBe(4);
    expect(noLog.stdout).toMatch(/^Incomplete: /);
    expect(noLog.stdout).toContain('gh: not checked: the acme audit log is not available to these credentials');
    const noLogJson = await world.revoke(['watch', report, '--key', pub, '--json']);
    expect(noLogJson.code).toBe(4);
    const json = JSON.parse(noLogJson.stdout);
    expect(json).toMatchObject({ complete: false, exitCode: 4, events: [] });
    const signed = JSON.parse(readFileSync(json.report, 'utf8'));
    expect(JSON.parse(Buffer.from(signed.payload, 'base64').toString('utf8')).predicate).toMatchObject({ complete: false, exitCode: 4 });
  });

  it('a dry run sends no mutating request; a second real run finds nothing and exits 0', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane');
    const dry = await world.revoke(['user', 'octo-jane', '-r', runbook, '--dry-run', '--detailed-exitcode']);
    expect(dry.code).toBe(3);
    expect(dry.exchanges.length).toBeGreaterThan(8);
    expect(dry.exchanges.filter((e) => e.mutating)).toEqual([]);
    expect((await world.revoke(['user', 'octo-jane', '-r', runbook, '--yes'])).code).toBe(0);
    const again = await world.revoke(['user', 'octo-jane', '-r', runbook, '--yes', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).totals.findings).toBe(0);
    expect(again.exchanges.filter((e) => e.mutating)).toEqual([]);
  });

  it('follows Link-header pagination', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', teams: ['t1', 't2', 't3'], ssoCredentials: 3 });
    const paged = githubRunbook('\n    perPage: 1');
    const { code, stdout, exchanges } = await world.revoke(['user', 'octo-jane', '-r', paged, '--dry-run', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.steps[0].findings.filter((f: { kind: string }) => f.kind === 'sso-authorizations')).toHaveLength(3);
    expect(result.steps[1].findings.find((f: { kind: string }) => f.kind === 'org-membership').details.teams).toBe('t1,t2,t3');
    const teamPages = exchanges.filter((e) => e.route === '/orgs/{org}/teams').map((e) => e.query.page ?? '1');
    expect(teamPages).toEqual(['1', '2', '3']);
  });

  it('honours Retry-After on secondary rate limits and completes', async () => {
    const world = await githubWorld({ seed: 7, retryAfterSeconds: 1 });
    seedUser(world, 'octo-jane', { role: 'member', ssoCredentials: 1, repoCollaborator: ['api'] });
    world.sandbox.faults.secondaryRateLimitRate = 0.25;
    const { code, stdout, exchanges } = await world.revoke(['user', 'octo-jane', '-r', runbook, '--yes', '--json']);
    expect(code).toBe(0);
    expect(world.sandbox.state.orgs.get('acme')!.members.has('octo-jane')).toBe(false);
    const limited = exchanges.filter((e) => e.status === 403 || e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Each retry of a revoke is on the record (discovery's retries are not findings').
    expect(JSON.parse(stdout).totals.retries).toBe(limited.filter((e) => e.mutating).length);
    for (const hit of limited) {
      const retry = exchanges.find((e) => e.startedAt > hit.startedAt && e.method === hit.method && e.path === hit.path);
      expect(retry, `${hit.method} ${hit.path} was retried`).toBeDefined();
      expect(retry!.startedAt - hit.finishedAt).toBeGreaterThanOrEqual(950);
    }
  }, 60_000);

  it('authenticates as a GitHub App installation and revokes fine-grained token grants', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', patGrants: 2, patRequests: 1 });
    const { privateKey, publicKey } = testRsaKeyPair();
    world.sandbox.state.apps.set(42, {
      publicKey,
      installations: new Map([[7, { org: 'acme', permissions: { members: 'write', organization_personal_access_tokens: 'write', organization_personal_access_token_requests: 'write', organization_codespaces: 'write', organization_copilot_seat_management: 'write', administration: 'write' } }]]),
    });
    const appRunbook = githubRunbook('\n    app:\n      appId: 42\n      installationId: 7\n      privateKeyEnv: GH_APP_KEY');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { code, stdout, stderr } = await world.revoke(['user', 'octo-jane', '-r', appRunbook, '--yes', '--json'], { GITHUB_TOKEN: '', GH_APP_KEY: pem });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.actors[0].actor).toBe('GitHub App 42 (installation 7) on acme');
    expect(result.steps[0].findings.map((f: { id: string; outcome: string }) => [f.id.split('/')[0], f.outcome])).toEqual([
      ['grant', 'revoked'],
      ['grant', 'revoked'],
      ['request', 'revoked'],
    ]);
    const org = world.sandbox.state.orgs.get('acme')!;
    expect(org.patGrants).toEqual([]);
    expect(org.patRequests).toEqual([]);
    expect(stdout + stderr).not.toContain(pem.split('\n')[1]!);
  });

  it('write pacing: a burst of writes at once (containment), then one per writeIntervalMs', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', ssoCredentials: 4 });
    const signal = new AbortController().signal;
    const step = { user: 'octo-jane', kinds: ['sso-authorizations'], mode: undefined, options: {}, signal };
    const removals = async (config: Record<string, unknown>) => {
      const connection = await githubProvider.connect({ org: 'acme', baseUrl: world.sandbox.url, ...config }, { instance: 'gh', env: { GITHUB_TOKEN: world.token }, signal });
      const found = await githubProvider.discover(connection.client, step);
      const findings = Array.isArray(found) ? found : found.findings;
      const mark = world.sandbox.exchanges.length;
      await Promise.all(findings.map((f) => githubProvider.revoke(connection.client, f, step)));
      return world.sandbox.exchanges.slice(mark).filter((e) => e.method === 'DELETE').map((e) => e.startedAt);
    };
    // The default (1000 ms between writes): four SSO authorizations go at once, not over three seconds.
    const contained = await removals({});
    expect(contained).toHaveLength(4);
    expect(contained[3]! - contained[0]!).toBeLessThan(500);
    // A run of many writes keeps GitHub's pause once the burst is spent.
    seedUser(world, 'octo-jane', { role: 'member', ssoCredentials: 4 });
    const paced = await removals({ writeIntervalMs: 150, writeBurst: 1 });
    expect(paced).toHaveLength(4);
    // Tokens accrue on a fixed beat, so the first wait is anywhere up to one interval: two whole ones at least.
    expect(paced[3]! - paced[0]!).toBeGreaterThanOrEqual(2 * 150 - 20);
  });

  it('write pacing: repository collaborator removals (a route Octokit paces 3 s apart, as it may notify) go out in the same burst', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', repoCollaborator: ['web', 'api', 'infra'] });
    const signal = new AbortController().signal;
    const step = { user: 'octo-jane', kinds: ['repo-collaborator'], mode: undefined, options: { repos: ['web', 'api', 'infra'] }, signal };
    const connection = await githubProvider.connect({ org: 'acme', baseUrl: world.sandbox.url }, { instance: 'gh', env: { GITHUB_TOKEN: world.token }, signal });
    const found = await githubProvider.discover(connection.client, step);
    const findings = Array.isArray(found) ? found : found.findings;
    expect(findings).toHaveLength(3);
    const mark = world.sandbox.exchanges.length;
    await Promise.all(findings.map((f) => githubProvider.revoke(connection.client, f, step)));
    const removals = world.sandbox.exchanges.slice(mark).filter((e) => e.method === 'DELETE').map((e) => e.startedAt);
    expect(removals).toHaveLength(3);
    expect(removals[2]! - removals[0]!).toBeLessThan(500); // three seconds apart each, they took six
  });

  it('a 404 to a removal is "already gone" only when a fresh read confirms it', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', repoCollaborator: ['web'] });
    const connection = await githubProvider.connect({ org: 'acme', baseUrl: world.sandbox.url, writeIntervalMs: 0 }, { instance: 'gh', env: { GITHUB_TOKEN: world.token }, signal: new AbortController().signal });
    const found = await githubProvider.discover(connection.client, { user: 'octo-jane', kinds: ['repo-collaborator'], mode: undefined, options: { repos: ['web'] }, signal: new AbortController().signal });
    const finding = (Array.isArray(found) ? found : found.findings)[0]!;
    // Someone else removes the access between discovery and revocation.
    world.sandbox.state.orgs.get('acme')!.repos.get('web')!.collaborators.delete('octo-jane');
    const outcome = await githubProvider.revoke(connection.client, finding, { user: 'octo-jane', mode: undefined, options: { repos: ['web'] }, signal: new AbortController().signal });
    expect(outcome).toEqual({ status: 'already-gone' });
  });

  it('a 404 seen by credentials that cannot see the org\'s members is an error about scopes, not "gone"', async () => {
    const world = await githubWorld();
    const connection = await githubProvider.connect({ org: 'acme', baseUrl: world.sandbox.url, writeIntervalMs: 0 }, { instance: 'gh', env: { GITHUB_TOKEN: world.token }, signal: new AbortController().signal });
    expect(connection.client.canSeeMembers).toBe(true);
    const blind = { ...connection.client, canSeeMembers: false };
    const finding = { id: '999999', kind: 'invitations', label: 'invitation 999999', phase: 1 };
    await expect(githubProvider.revoke(blind, finding, { user: 'octo-jane', mode: undefined, options: {}, signal: new AbortController().signal })).rejects.toThrow(
      "invitations 999999 of octo-jane in acme: GitHub answered 404 for invitation 999999, and these credentials cannot see acme's members, so it may be hidden rather than gone: give the token admin:org (or the App the Members permission)",
    );
    expect(await githubProvider.revoke(connection.client, finding, { user: 'octo-jane', mode: undefined, options: {}, signal: new AbortController().signal })).toEqual({ status: 'already-gone' });
  });

  it('a 404 from credentials that can read but not write is a failure that names the scope', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member' });
    const readOnly = world.sandbox.state.addToken('ceo', ['read:org']);
    const membershipOnly = githubRunbook('', '', (text) => text.replace('revoke: [invitations, outside-collaborator, repo-collaborator, org-membership]', 'revoke: [org-membership]'));
    const { code, stdout, stderr } = await world.revoke(['user', 'octo-jane', '-r', membershipOnly, '--yes', '--json', '--only', 'gh-membership'], { GITHUB_TOKEN: readOnly });
    expect(code, stderr).toBe(1);
    const failed = JSON.parse(stdout).steps[0].findings[0];
    expect(failed.error).toBe("org-membership octo-jane of octo-jane in acme: GitHub answered 404 to removing octo-jane's membership of acme, but it is still there: the credentials can read it but not change it (token scope admin:org / App write permission needed)");
    expect(world.sandbox.state.orgs.get('acme')!.members.has('octo-jane')).toBe(true);
  });

  it('refuses to remove its own login, or the org\'s last owner, before any mutation', async () => {
    const world = await githubWorld();
    const self = await world.revoke(['user', 'revoke-bot', '-r', runbook, '--yes']);
    expect(self.code, self.stderr).toBe(2);
    expect(self.stderr).toContain('the identity revoke itself is running as on gh');
    expect(self.exchanges.filter((e) => e.mutating)).toEqual([]);

    const protectedOwner = await world.revoke(['user', 'CEO', '-r', runbook, '--yes']);
    expect(protectedOwner.code).toBe(2);
    expect(protectedOwner.exchanges).toEqual([]);

    // An org whose only owner is leaving, seen through a GitHub App (not a member itself).
    const org = world.sandbox.state.createOrg('solo');
    org.members.set('only-owner', { role: 'admin' });
    const { privateKey, publicKey } = testRsaKeyPair();
    world.sandbox.state.apps.set(9, { publicKey, installations: new Map([[1, { org: 'solo', permissions: { members: 'write' } }]]) });
    const soloRunbook = githubRunbook('\n    app:\n      appId: 9\n      installationId: 1\n      privateKeyEnv: GH_APP_KEY', '', (text) => text.replace('org: acme', 'org: solo'));
    const last = await world.revoke(['user', 'only-owner', '-r', soloRunbook, '--yes', '--only', 'gh-membership'], { GH_APP_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(last.code, last.stderr + last.stdout).toBe(2);
    expect(last.stderr).toContain('error: only-owner is the last owner of solo; removing them would leave the org without an owner');
    expect(last.exchanges.filter((e) => e.mutating && e.route !== '/app/installations/{installation_id}/access_tokens')).toEqual([]);
    expect(org.members.has('only-owner')).toBe(true);
  });

  it('a Copilot seat assigned through a team fails with what to do', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member', teams: ['ai'], copilot: { team: 'ai' } });
    const { code, stdout } = await world.revoke(['user', 'octo-jane', '-r', runbook, '--yes', '--json', '--only', 'gh-credentials']);
    expect(code).toBe(1);
    const seat = JSON.parse(stdout).steps[0].findings.find((f: { kind: string }) => f.kind === 'copilot-seat');
    expect(seat.error).toContain('is assigned through team ai (GitHub answered 422): remove them from that team, or revoke org-membership');
  });

  it('works against GitHub Enterprise Server (baseUrl with /api/v3)', async () => {
    const world = await githubWorld();
    seedUser(world, 'octo-jane', { role: 'member' });
    const ghes = githubRunbook(`\n    baseUrl: ${world.sandbox.url}/api/v3`);
    const { code, exchanges } = await world.revoke(['user', 'octo-jane', '-r', ghes, '--yes'], { GITHUB_API_URL: '' });
    expect(code).toBe(0);
    expect(exchanges.length).toBeGreaterThan(5);
    expect(exchanges.every((e) => e.enterprise)).toBe(true);
  });

  it('a missing token is bad input with what to set', async () => {
    const world = await githubWorld();
    const { code, stderr } = await world.revoke(['user', 'octo-jane', '-r', runbook, '--dry-run'], { GITHUB_TOKEN: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('error: no GitHub token for provider gh: neither GITHUB_TOKEN nor GH_TOKEN is set');
  });
});
