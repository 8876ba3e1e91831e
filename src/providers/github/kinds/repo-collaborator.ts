import { exists, Phase, removeOrConfirmGone, sameLogin, statusOf, type GitHubKind } from '../kind.js';

/** Direct collaborator access on the org's repositories: the step's repos:, or every repo with scanRepos: true. */
export const repoCollaborator: GitHubKind = {
  name: 'repo-collaborator',
  description: 'direct collaborator access to org repositories (the step\'s repos:, or all with scanRepos: true): removed',
  permissions: ['token: repo, admin on the repositories', 'app: Administration (write) on the repositories'],
  // `revoke restore` adds the person back with the recorded role (an invitation unless they are a member).
  reversible: true,
  async discover({ octokit, org, perPage }, { user, repos, scanRepos }) {
    if (!repos && !scanRepos) return { skipped: 'no repos: listed on the step and scanRepos is not set' };
    const names = repos ?? (await octokit.paginate(octokit.rest.repos.listForOrg, { org, per_page: perPage })).map((r) => r.name);
    const findings = [];
    const collaboratorsOf = (repo: string) => octokit.paginate(octokit.rest.repos.listCollaborators, { owner: org, repo, affiliation: 'direct', per_page: perPage });
    // The repos the step names, asked at once (a few: one round trip); a scan of every repository
    // one after another, as GitHub asks of many requests (secondary rate limits).
    const listed = repos ? await Promise.all(repos.map(collaboratorsOf)) : undefined;
    for (const [index, repo] of names.entries()) {
      const collaborators = listed ? listed[index]! : await collaboratorsOf(repo);
      const match = collaborators.find((c) => sameLogin(c.login, user));
      if (!match) continue;
      const soleAdmin = match.role_name === 'admin' && !collaborators.some((c) => c.role_name === 'admin' && !sameLogin(c.login, user));
      findings.push({
        id: repo,
        kind: 'repo-collaborator',
        label: `direct ${match.role_name} access to ${org}/${repo}${soleAdmin ? ' (its only direct admin)' : ''}`,
        phase: Phase.Access,
        details: { role: match.role_name },
        ...(soleAdmin ? { warnings: [`${user} is the only direct admin of ${org}/${repo}: give it another admin first`] } : {}),
      });
    }
    return findings;
  },
  async revoke(context, finding, { user }) {
    const { octokit, org } = context;
    return removeOrConfirmGone(
      context,
      `${user}'s access to ${org}/${finding.id}`,
      () => octokit.rest.repos.removeCollaborator({ owner: org, repo: finding.id, username: user }),
      () => exists(() => octokit.rest.repos.checkCollaborator({ owner: org, repo: finding.id, username: user })),
    );
  },

  async planRestore({ octokit, org, perPage }, finding, { user }) {
    let collaborators;
    try {
      collaborators = await octokit.paginate(octokit.rest.repos.listCollaborators, { owner: org, repo: finding.id, affiliation: 'direct', per_page: perPage });
    } catch (error) {
      if (statusOf(error) === 404) return { action: 'conflict', reason: `repository ${org}/${finding.id} no longer exists` };
      throw error;
    }
    if (collaborators.some((c) => sameLogin(c.login, user))) return { action: 'restore', what: `${user} has access to ${org}/${finding.id} already` };
    return { action: 'restore', what: `add ${user} to ${org}/${finding.id} as ${permissionOf(finding)} (an invitation unless they are a member)`, needsAcceptance: true };
  },
  async restore({ octokit, org }, finding, { user }) {
    if (await exists(() => octokit.rest.repos.checkCollaborator({ owner: org, repo: finding.id, username: user }))) return { status: 'already-restored' };
    try {
      const { status } = await octokit.rest.repos.addCollaborator({ owner: org, repo: finding.id, username: user, permission: permissionOf(finding) });
      return status === 201 ? { status: 'invited', detail: `invited to ${org}/${finding.id} as ${permissionOf(finding)}; needs ${user} to accept` } : { status: 'restored', detail: `${permissionOf(finding)} access to ${org}/${finding.id}` };
    } catch (error) {
      if (statusOf(error) === 404) return { status: 'conflict', reason: `repository ${org}/${finding.id} or user ${user} no longer exists` };
      throw error;
    }
  },
};

/** GitHub's role names (details.role) as the permission PUT …/collaborators takes. */
const permissionOf = (finding: { details?: Record<string, unknown> }) => ({ read: 'pull', write: 'push', triage: 'triage', maintain: 'maintain', admin: 'admin' })[String(finding.details?.role)] ?? 'pull';
