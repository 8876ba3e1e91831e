import type { CanaryCredential, ProbeAnswer } from '../drill-hooks.js';
import { oktaSelfRequest, type OktaProbeSecret } from './canary.js';

/**
 * The canary's credential asks Okta about itself: 200 while it is live; a closed session is 404
 * (E0000007), a revoked API token or a suspended user's token 401/403. 429 is not a denial.
 */
export async function probeOktaCredential(credential: CanaryCredential, signal: AbortSignal): Promise<ProbeAnswer> {
  const { url, headers } = oktaSelfRequest(credential.secret as OktaProbeSecret);
  const answer = await fetch(url, { headers, signal });
  await answer.body?.cancel();
  if (answer.ok) return 'allowed';
  if ([401, 403, 404].includes(answer.status)) return 'denied';
  throw new Error(`probing ${credential.label}: HTTP ${answer.status}`);
}
