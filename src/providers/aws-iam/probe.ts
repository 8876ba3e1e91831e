import type { CanaryCredential, ProbeAnswer } from '../drill-hooks.js';
import { awsErrorCode, awsErrorText } from './aws-errors.js';
import type { IamProbeSecret } from './canary.js';

/** What AWS answers when it refuses a credential or a request (rather than failing to answer). */
const REFUSALS = new Set(['AccessDenied', 'InvalidClientTokenId', 'ExpiredToken', 'UnrecognizedClient', 'SignatureDoesNotMatch']);

/**
 * `iam:GetUser` on the canary itself, signed with the credential. GetCallerIdentity would not do:
 * IAM policies never deny it. GetUser is refused once the key is inactive or deleted, the
 * session is cut (AWSRevokeOlderSessions), or a deny-all policy is attached.
 */
export async function probeIamCredential(credential: CanaryCredential, signal: AbortSignal): Promise<ProbeAnswer> {
  const { iam, user } = credential.secret as IamProbeSecret;
  try {
    await iam.getUser({ UserName: user }, { abortSignal: signal });
    return 'allowed';
  } catch (error) {
    if (REFUSALS.has(awsErrorCode(error) ?? '')) return 'denied';
    // The request was authenticated and authorized, only the user is gone from IAM's records: the
    // credential still works (enforcement lags the deletion, as AWS's eventual consistency allows).
    if (awsErrorCode(error) === 'NoSuchEntity') return 'allowed';
    throw new Error(`probing ${credential.label}: ${awsErrorText(error)}`);
  }
}
