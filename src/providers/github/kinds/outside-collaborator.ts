import { Phase, removeOrConfirmGone, sameLogin, type GitHubKind } from '../kind.js';

export const outsideCollaborator: GitHubKind = {
  name: 'outside-collaborator',
  description: 'outside collaborator status (access to org repos without membership): removed from every repo',
  permissions: ['token: admin:org, as an org owner', 'app: Members (write)'],
  reversible: false,
  async discover({ octokit, org, perPage }, { user }) {
    const outside = await octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, per_page: perPage });
    const match = outside.find((u) => sameLogin(u.login, user));
    return match ? [{ id: match.login, kind: 'outside-collaborator', label: `outside collaborator ${match.login} on ${org}'s repositories`, phase: Phase.Access }] : [];
  },
  async revoke(context, finding) {
    const { octokit, org, perPage } = context;
    return removeOrConfirmGone(
      context,
      `outside collaborator ${finding.id}`,
      () => octokit.rest.orgs.removeOutsideCollaborator({ org, username: finding.id }),
      async () => (await octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, per_page: perPage })).some((u) => sameLogin(u.login, finding.id)),
    );
  },
  notRestorable: () => ({ reason: 'the report does not record which repositories an outside collaborator had', instead: 'add them back per repository: gh api -X PUT repos/<org>/<repo>/collaborators/<login> -f permission=<pull|push|admin>' }),
};
