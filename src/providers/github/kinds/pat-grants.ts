import { ago } from '../../types.js';
import { Phase, removeOrConfirmGone, type GitHubKind } from '../kind.js';

/**
 * Fine-grained personal access tokens the person granted to the org, and their pending requests.
 * GitHub serves these routes to GitHub Apps only, so with token auth the kind is skipped.
 */
export const patGrants: GitHubKind = {
  name: 'pat-grants',
  description: 'fine-grained personal access tokens granted to the org: access revoked; pending requests denied (GitHub App auth only)',
  permissions: ['app: Personal access tokens (write), Personal access token requests (write)'],
  reversible: false,
  async discover({ octokit, org, auth, perPage }, { user, recentMs }) {
    if (auth !== 'app') {
      return { skipped: 'GitHub lists fine-grained token grants only to GitHub Apps; configure app: on the provider to revoke them' };
    }
    const [grants, requests] = await Promise.all([
      octokit.paginate(octokit.rest.orgs.listPatGrants, { org, owner: [user], per_page: perPage }),
      octokit.paginate(octokit.rest.orgs.listPatGrantRequests, { org, owner: [user], per_page: perPage }),
    ]);
    return [
      ...grants.map((g) => {
        const used = g.token_last_used_at ? new Date(g.token_last_used_at) : undefined;
        return {
          id: `grant/${g.id}`,
          kind: 'pat-grants',
          label: `fine-grained token "${g.token_name}" (granted ${g.access_granted_at.slice(0, 10)}${used ? `, last used ${ago(used)}` : ''})`,
          phase: Phase.Credentials,
          ...(used && Date.now() - used.getTime() <= recentMs ? { warnings: [`token "${g.token_name}" of ${user} was used ${ago(used)}: looks like automation; revoking may break a workload`] } : {}),
        };
      }),
      ...requests.map((r) => ({ id: `request/${r.id}`, kind: 'pat-grants', label: `pending request for fine-grained token "${r.token_name}"`, phase: Phase.Credentials })),
    ];
  },
  async revoke(context, finding, { user }) {
    const { octokit, org, perPage } = context;
    const [type, id] = finding.id.split('/') as ['grant' | 'request', string];
    if (type === 'grant') {
      return removeOrConfirmGone(
        context,
        `token grant ${id} of ${user}`,
        () => octokit.rest.orgs.updatePatAccess({ org, pat_id: Number(id), action: 'revoke' }),
        async () => (await octokit.paginate(octokit.rest.orgs.listPatGrants, { org, owner: [user], per_page: perPage })).some((g) => String(g.id) === id),
      );
    }
    return removeOrConfirmGone(
      context,
      `token request ${id} of ${user}`,
      () => octokit.rest.orgs.reviewPatGrantRequest({ org, pat_request_id: Number(id), action: 'deny' }),
      async () => (await octokit.paginate(octokit.rest.orgs.listPatGrantRequests, { org, owner: [user], per_page: perPage })).some((r) => String(r.id) === id),
    );
  },
  notRestorable: () => ({ reason: 'revoked token access cannot be restored: the person requests access for the token again' }),
};
