import type { CanaryCredential, ProbeAnswer } from '../drill-hooks.js';
import { entraGrant, type EntraProbeSecret } from './canary.js';

/**
 * The canary's grant is tried again at the token endpoint: a token while it works; `invalid_grant`
 * (a revoked refresh token, AADSTS50173; a disabled account, AADSTS50057) once the run took effect.
 * Throttling and server errors are not denials.
 */
export async function probeEntraCredential(credential: CanaryCredential, signal: AbortSignal): Promise<ProbeAnswer> {
  const answer = await entraGrant(credential.secret as EntraProbeSecret, signal);
  if ('upn' in answer) return 'allowed';
  if (answer.status === 400 && answer.error.startsWith('invalid_grant')) return 'denied';
  throw new Error(`probing ${credential.label}: HTTP ${answer.status} ${answer.error}`);
}
