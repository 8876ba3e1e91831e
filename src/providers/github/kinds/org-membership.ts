import { InvalidInputError } from '../../../errors.js';
import type { Finding } from '../../types.js';
import { exists, Phase, removeOrConfirmGone, sameLogin, statusOf, type GitHubContext, type GitHubKind } from '../kind.js';

/** Membership of the org, with role and teams recorded first; never the org's last owner. */
export const orgMembership: GitHubKind = {
  name: 'org-membership',
  mayRefuse: true,
  description: 'membership of the org (role and teams recorded in the report): removed; the last owner is refused; restore re-invites with the role and teams',
  permissions: ['token: admin:org, as an org owner', 'app: Members (write)'],
  // `revoke restore` re-invites with the recorded role and teams: reversible once the person accepts.
  reversible: true,
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
    // Every team asked at once: one round trip, not one per team.
    const inTeam = await Promise.all(teams.map((team) => exists(() => octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: team.slug, username: user }))));
    const memberOf = teams.filter((_, i) => inTeam[i]).map((team) => team.slug);
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

  // `revoke restore`: an invitation with the prior role (details.role) and teams (details.teams),
  // which the person has to accept; GitHub has no way to put a member back directly.
  async planRestore(context, finding, { user }) {
    const state = await membershipNow(context, user);
    if (state !== 'absent') return state === 'member' ? { action: 'restore', what: `${user} is a member of ${context.org} already` } : { action: 'restore', what: `${user} has a pending invitation to ${context.org} already` };
    if (!(await exists(() => context.octokit.rest.users.getByUsername({ username: user })))) return { action: 'conflict', reason: `GitHub user ${user} no longer exists` };
    const { found, missing } = await teamsNow(context, finding);
    return {
      action: 'restore',
      what: `invite ${user} to ${context.org} as ${String(finding.details?.role ?? 'member')}${found.length ? ` with teams ${found.map((t) => t.slug).join(', ')}` : ''}${missing.length ? ` (teams gone since: ${missing.join(', ')})` : ''}`,
      needsAcceptance: true,
    };
  },
  async restore(context, finding, { user }) {
    const { octokit, org } = context;
    const state = await membershipNow(context, user);
    if (state === 'member') return { status: 'already-restored', detail: `member of ${org}` };
    if (state === 'invited') return { status: 'invited', detail: `an invitation to ${org} is pending already: ${user} has to accept it` };
    let inviteeId: number;
    try {
      inviteeId = (await octokit.rest.users.getByUsername({ username: user })).data.id;
    } catch (error) {
      if (statusOf(error) === 404) return { status: 'conflict', reason: `GitHub user ${user} no longer exists` };
      throw error;
    }
    const { found, missing } = await teamsNow(context, finding);
    const role = finding.details?.role === 'admin' ? 'admin' : 'direct_member';
    const { data } = await octokit.rest.orgs.createInvitation({ org, invitee_id: inviteeId, role, team_ids: found.map((t) => t.id) });
    const teams = found.length ? ` with teams ${found.map((t) => t.slug).join(', ')}` : '';
    return { status: 'invited', detail: `invitation ${data.id} to ${org} as ${role === 'admin' ? 'admin' : 'member'}${teams} sent; needs ${user} to accept${missing.length ? `; teams gone since: ${missing.join(', ')}` : ''}` };
  },
};

async function membershipNow({ octokit, org, perPage }: GitHubContext, user: string): Promise<'member' | 'invited' | 'absent'> {
  if (await exists(() => octokit.rest.orgs.getMembershipForUser({ org, username: user }))) return 'member';
  const pending = await octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: perPage });
  return pending.some((i) => sameLogin(i.login, user)) ? 'invited' : 'absent';
}

/** The recorded teams that still exist (with their ids, for team_ids), and those that do not. */
async function teamsNow({ octokit, org, perPage }: GitHubContext, finding: Finding): Promise<{ found: Array<{ slug: string; id: number }>; missing: string[] }> {
  const recorded = String(finding.details?.teams ?? '').split(',').filter(Boolean);
  if (recorded.length === 0) return { found: [], missing: [] };
  const teams = await octokit.paginate(octokit.rest.teams.list, { org, per_page: perPage });
  const found = recorded.flatMap((slug) => teams.filter((t) => t.slug === slug).map((t) => ({ slug, id: t.id })));
  return { found, missing: recorded.filter((slug) => !found.some((t) => t.slug === slug)) };
}
