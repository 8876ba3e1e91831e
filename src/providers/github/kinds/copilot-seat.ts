import { Phase, statusOf, type GitHubKind } from '../kind.js';

export const copilotSeat: GitHubKind = {
  name: 'copilot-seat',
  description: "the person's Copilot seat: cancelled (a seat assigned through a team must be removed from the team)",
  permissions: ['token: manage_billing:copilot or admin:org, as an org owner', 'app: Organization Copilot Business (write)'],
  reversible: false,
  async discover({ octokit, org }, { user }) {
    try {
      const { data } = await octokit.rest.copilot.getCopilotSeatDetailsForUser({ org, username: user });
      const team = (data as { assigning_team?: { slug?: string } | null }).assigning_team?.slug;
      return [
        {
          id: user.toLowerCase(),
          kind: 'copilot-seat',
          label: `Copilot seat (since ${data.created_at.slice(0, 10)}${team ? `, assigned through team ${team}` : ''})`,
          phase: Phase.Credentials,
          ...(team ? { details: { assigningTeam: team }, warnings: [`the Copilot seat of ${user} comes from team ${team}: GitHub cancels it only when they leave that team (org-membership does)`] } : {}),
        },
      ];
    } catch (error) {
      if (statusOf(error) === 404) return [];
      if (statusOf(error) === 422) return { skipped: `Copilot is not enabled for ${org} (GitHub answered 422)` };
      throw error;
    }
  },
  async revoke({ octokit, org }, finding, { user }) {
    try {
      const { data } = await octokit.rest.copilot.cancelCopilotSeatAssignmentForUsers({ org, selected_usernames: [user] });
      return data.seats_cancelled > 0 ? { status: 'revoked', detail: 'seat cancelled' } : { status: 'already-gone' };
    } catch (error) {
      if (statusOf(error) === 422 && finding.details?.assigningTeam) {
        throw new Error(`the Copilot seat of ${user} is assigned through team ${String(finding.details.assigningTeam)} (GitHub answered 422): remove them from that team, or revoke org-membership`);
      }
      throw error;
    }
  },
  notRestorable: (_finding, { user }) => ({ reason: 'a cancelled Copilot seat is not re-assigned by revoke', instead: `gh api -X POST orgs/<org>/copilot/billing/selected_users -f 'selected_usernames[]=${user}'` }),
};
