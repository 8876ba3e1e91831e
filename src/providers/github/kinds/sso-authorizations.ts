import { ago } from '../../types.js';
import { exists, Phase, removeOrConfirmGone, statusOf, type GitHubKind } from '../kind.js';

interface CredentialAuthorization {
  login: string;
  credential_id: number;
  credential_type: string;
  credential_authorized_at: string;
  credential_accessed_at?: string | null;
  token_last_eight?: string;
}

/** SAML SSO authorizations of the person's credentials (PATs, SSH keys, OAuth tokens) for the org. */
export const ssoAuthorizations: GitHubKind = {
  name: 'sso-authorizations',
  description: "the person's credentials authorized for the org's SAML SSO (tokens, SSH keys): revoked",
  permissions: ['token: admin:org, as an org owner (GitHub Enterprise Cloud with SAML SSO)'],
  reversible: false,
  async discover({ octokit, org, perPage }, { user, recentMs }) {
    let list: CredentialAuthorization[];
    try {
      list = await octokit.paginate('GET /orgs/{org}/credential-authorizations', { org, login: user, per_page: perPage });
    } catch (error) {
      if (statusOf(error) === 404) return { skipped: `${org} does not use SAML single sign-on (GitHub answered 404), so there are no SSO authorizations` };
      throw error;
    }
    return list
      .filter((c) => c.login.toLowerCase() === user.toLowerCase())
      .map((c) => {
        const accessed = c.credential_accessed_at ? new Date(c.credential_accessed_at) : undefined;
        const what = `${c.credential_type} ${c.token_last_eight ? `…${c.token_last_eight}` : c.credential_id}`;
        return {
          id: String(c.credential_id),
          kind: 'sso-authorizations',
          label: `SSO authorization of ${what} (since ${c.credential_authorized_at.slice(0, 10)}${accessed ? `, last used ${ago(accessed)}` : ''})`,
          phase: Phase.Credentials,
          details: { credentialType: c.credential_type, ...(accessed ? { lastAccessed: accessed.toISOString() } : {}) },
          ...(accessed && Date.now() - accessed.getTime() <= recentMs ? { warnings: [`${what} of ${user} accessed ${org} ${ago(accessed)}: if automation uses it, revoking will break it`] } : {}),
        };
      });
  },
  async revoke(context, finding, { user }) {
    const { octokit, org, perPage } = context;
    return removeOrConfirmGone(
      context,
      `SSO authorization ${finding.id} of ${user}`,
      () => octokit.request('DELETE /orgs/{org}/credential-authorizations/{credential_id}', { org, credential_id: Number(finding.id) }),
      async () =>
        exists(async () => {
          const list: CredentialAuthorization[] = await octokit.paginate('GET /orgs/{org}/credential-authorizations', { org, login: user, per_page: perPage });
          if (!list.some((c) => String(c.credential_id) === finding.id)) throw Object.assign(new Error('gone'), { status: 404 });
        }),
    );
  },
  notRestorable: () => ({ reason: 'a revoked SSO authorization cannot be restored: the person authorizes the credential for the org again (SSO re-authorization on github.com)' }),
};
