import type { Finding } from '../types.js';
import { statusOf, type GitHubContext, type GitHubRequest } from './kind.js';
import { ssoAuthorizations } from './kinds/sso-authorizations.js';

/**
 * Contain first: the person's SAML SSO credential authorizations removed (when the step lists
 * `sso-authorizations`), found by the kind's own discovery, read at the same time as the
 * person's membership. On an org that enforces SAML SSO a token reaches the org's resources
 * only through its authorization, so this ends the person's tokens' (and SSH keys') org access in
 * the first round trip after the reads, instead of at the end of the step chain with the
 * membership. Not reversible (the person authorizes the credential again); the step removes
 * them anyway. An owner is left to discovery: its last-owner refusal must come before anything
 * is sent.
 */
export async function githubContainment(context: GitHubContext, request: GitHubRequest, kinds: string[]): Promise<Finding[]> {
  if (!kinds.includes('sso-authorizations')) return [];
  const { octokit, org } = context;
  const [membership, found] = await Promise.all([
    octokit.rest.orgs.getMembershipForUser({ org, username: request.user }).then(
      ({ data }) => data,
      (error: unknown) => (statusOf(error) === 404 ? undefined : Promise.reject(error)),
    ),
    ssoAuthorizations.discover(context, request),
  ]);
  if (membership?.role !== 'member') return [];
  return Array.isArray(found) ? found : [];
}
