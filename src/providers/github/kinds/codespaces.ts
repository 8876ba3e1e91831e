import { Phase, removeOrConfirmGone, statusOf, type GitHubKind } from '../kind.js';

export const codespaces: GitHubKind = {
  name: 'codespaces',
  description: "the person's codespaces billed to the org: stopped, then deleted",
  permissions: ['token: admin:org, as an org owner', 'app: Organization codespaces (write)'],
  reversible: false,
  async discover({ octokit, org, perPage }, { user }) {
    let list;
    try {
      list = await octokit.paginate(octokit.rest.codespaces.getCodespacesForUserInOrg, { org, username: user, per_page: perPage });
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
    return list.map((c) => ({ id: c.name, kind: 'codespaces', label: `codespace ${c.name} on ${c.repository.full_name} (${c.state})`, phase: Phase.Credentials, details: { state: c.state } }));
  },
  async revoke(context, finding, { user }) {
    const { octokit, org } = context;
    // A 404 to the list means the person has no codespaces here; any other failure is not evidence of "gone".
    const list = async () =>
      (
        await octokit.paginate(octokit.rest.codespaces.getCodespacesForUserInOrg, { org, username: user, per_page: 100 }).catch((error: unknown) => {
          if (statusOf(error) === 404) return [];
          throw error;
        })
      ).some((c) => c.name === finding.id);
    // Stop first so nothing keeps running while the delete is processed.
    try {
      await octokit.rest.codespaces.stopInOrganization({ org, username: user, codespace_name: finding.id });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    return removeOrConfirmGone(context, `codespace ${finding.id} of ${user}`, () => octokit.rest.codespaces.deleteFromOrganization({ org, username: user, codespace_name: finding.id }), list);
  },
  notRestorable: (finding) => ({ reason: `codespace ${finding.id} was deleted with its uncommitted work` }),
};
