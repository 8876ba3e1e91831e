import type { CanaryCredential, ProbeAnswer } from '../drill-hooks.js';
import { googleUserinfoRequest, type GoogleProbeSecret } from './canary.js';

/**
 * The canary's credential asks userinfo who it is: 200 while it works; 401 (invalid_token) once the
 * session was signed out, the token's grant deleted or the account suspended. 403 (a missing scope), 429 and 5xx are not denials.
 */
export async function probeGoogleCredential(credential: CanaryCredential, signal: AbortSignal): Promise<ProbeAnswer> {
  const { url, headers } = googleUserinfoRequest(credential.secret as GoogleProbeSecret);
  const answer = await fetch(url, { headers, signal });
  await answer.body?.cancel();
  if (answer.ok) return 'allowed';
  if (answer.status === 401) return 'denied';
  throw new Error(`probing ${credential.label}: HTTP ${answer.status}`);
}
