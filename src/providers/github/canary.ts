import { InvalidInputError } from '../../errors.js';
import type { Canary, CanaryRequest } from '../drill-hooks.js';
import type { GitHubConfig } from './config.js';
import type { GitHubContext } from './kind.js';

/** Where a drill finds the canary account's token (a test account that is a member of the org). */
export const CANARY_TOKEN_ENV = 'REVOKE_DRILL_GITHUB_TOKEN';

/** What the github probe needs: the canary's token, whom it belongs to, and where to ask. */
export interface GitHubProbeSecret {
  token: string;
  baseUrl: string;
  org: string;
  login: string;
}

/** The GitHub API's headers for a token, as documented (Bearer, the v3 JSON media type, a pinned API version). */
export function githubHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'revoke-drill' };
}

/**
 * GitHub accounts cannot be made by API: the canary is a test account the operator provides, its
 * token in REVOKE_DRILL_GITHUB_TOKEN. The drill checks the token belongs to the step's user (so it
 * never revokes anyone else) and leaves the account itself alone afterwards.
 */
export async function githubCanary(context: GitHubContext, request: CanaryRequest): Promise<Canary> {
  const token = request.env[CANARY_TOKEN_ENV];
  if (!token) throw new InvalidInputError(`${CANARY_TOKEN_ENV} is not set: a GitHub drill needs the canary account's token`, `create a test account, make it a member of the org, and export ${CANARY_TOKEN_ENV}=<its token>`);
  const config = request.config as GitHubConfig;
  const baseUrl = (config.baseUrl ?? request.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const answer = await fetch(`${baseUrl}/user`, { headers: githubHeaders(token), signal: request.signal });
  if (!answer.ok) throw new InvalidInputError(`GitHub refused ${CANARY_TOKEN_ENV} (HTTP ${answer.status}) before the drill began; nothing was changed`, 'give a working token of the canary account');
  const login = ((await answer.json()) as { login: string }).login;
  if (login.toLowerCase() !== request.user.toLowerCase()) {
    throw new InvalidInputError(`${CANARY_TOKEN_ENV} belongs to ${login}, not to the canary ${request.user}; nothing was changed`, `pass --canary ${login}, or the token of ${request.user}`);
  }
  const secret: GitHubProbeSecret = { token, baseUrl, org: context.org, login };
  return {
    identity: `${login} in ${context.org}`,
    createdByDrill: false,
    credentials: [{ name: 'token', label: `token of ${login} (from ${CANARY_TOKEN_ENV})`, secret }],
    // Nothing to remove: the account is the operator's. The run removed it from the org.
    cleanup: async () => ({ removed: [], leftovers: [] }),
  };
}
