import type { CanaryCredential, ProbeAnswer } from '../drill-hooks.js';
import { githubHeaders, type GitHubProbeSecret } from './canary.js';

/**
 * The canary's token asks whether its own account is a member of the org
 * (GET /orgs/{org}/members/{login}): 204 only while the requester is a member; a non-member is
 * redirected (302) or told 404, and a revoked token gets 401.
 */
export async function probeGitHubCredential(credential: CanaryCredential, signal: AbortSignal): Promise<ProbeAnswer> {
  const { token, baseUrl, org, login } = credential.secret as GitHubProbeSecret;
  const answer = await fetch(`${baseUrl}/orgs/${encodeURIComponent(org)}/members/${encodeURIComponent(login)}`, { headers: githubHeaders(token), redirect: 'manual', signal });
  await answer.body?.cancel();
  if (answer.status === 204) return 'allowed';
  const throttled = answer.headers.get('retry-after') !== null || answer.headers.get('x-ratelimit-remaining') === '0';
  if ([302, 401, 403, 404].includes(answer.status) && !throttled) return 'denied';
  throw new Error(`probing ${credential.label}: HTTP ${answer.status}`);
}
