import { InvalidInputError } from '../../../errors.js';
import { exists, Phase, removeOrConfirmGone, statusOf, type GitHubKind } from '../kind.js';

/** Membership of the org, with role and teams recorded first; never the org's last owner. */
export const orgMembership: GitHubKind = {
  name: 'org-membership',
  description: 'membership of the org (role and teams recorded in the report): removed; the last owner is refused',
  permissions: ['token: admin:org, as an org owner', 'app: Members (write)'],
  reversible: false,
  async discover({ octokit, org, perPage }, { user }) {
    let role: string;
    try {
      ({ data: { role } } = await octokit.rest.orgs.getMembershipForUser({ org, username: user }));
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
    if (role === 'admin') {
      const owners = await octokit.paginate(octokit.rest.orgs.listMembers, { org, role: 'admin', per_page: perPage });
      if (owners.length <= 1) {
        throw new InvalidInputError(`${user} is the last owner of ${org}; removing them would leave the org without an owner`, `make someone else an owner of ${org} first`);
      }
    }
    const teams = await octokit.paginate(octokit.rest.teams.list, { org, per_page: perPage });
    const memberOf = [];
    for (const team of teams) {
      if (await exists(() => octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: team.slug, username: user }))) memberOf.push(team.slug);
    }
    return [
      {
        id: user.toLowerCase(),
        kind: 'org-membership',
        label: `member of ${org} as ${role}${memberOf.length ? `, in teams ${memberOf.join(', ')}` : ''}`,
        phase: Phase.Membership,
        details: { role, teams: memberOf.join(',') },
      },
    ];
  },
  async revoke(context, _finding, { user }) {
    const { octokit, org } = context;
    return removeOrConfirmGone(
      context,
      `${user}'s membership of ${org}`,
      () => octokit.rest.orgs.removeMembershipForUser({ org, username: user }),
      () => exists(() => octokit.rest.orgs.getMembershipForUser({ org, username: user })),
    );
  },
};
