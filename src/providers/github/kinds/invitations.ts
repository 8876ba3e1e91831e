import { Phase, removeOrConfirmGone, sameLogin, type GitHubKind } from '../kind.js';

export const invitations: GitHubKind = {
  name: 'invitations',
  description: 'pending invitations to the org for the login (or the step\'s email:): cancelled',
  permissions: ['token: admin:org, as an org owner', 'app: Members (write)'],
  reversible: false,
  async discover({ octokit, org, perPage }, { user, email }) {
    const pending = await octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: perPage });
    return pending
      .filter((i) => sameLogin(i.login, user) || (email !== undefined && (i.email ?? '').toLowerCase() === email.toLowerCase()))
      .map((i) => ({ id: String(i.id), kind: 'invitations', label: `pending invitation ${i.id} for ${i.login ?? i.email} as ${i.role} (sent ${i.created_at.slice(0, 10)})`, phase: Phase.Access }));
  },
  async revoke(context, finding) {
    const { octokit, org, perPage } = context;
    return removeOrConfirmGone(
      context,
      `invitation ${finding.id}`,
      () => octokit.rest.orgs.cancelInvitation({ org, invitation_id: Number(finding.id) }),
      async () => (await octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: perPage })).some((i) => String(i.id) === finding.id),
    );
  },
  notRestorable: (finding) => ({ reason: `the cancelled invitation ${finding.id} cannot be brought back`, instead: 'invite the person again (gh api -X POST orgs/<org>/invitations -F invitee_id=<id> -f role=direct_member)' }),
};
