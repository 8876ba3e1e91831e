import { passwordHash } from './password.js';
import type { IamState } from './state.js';
import { issue } from './sts-actions.js';

export type ConsoleSignIn = { status: 200; credentials: ReturnType<typeof issue> } | { status: 401; error: string };

/**
 * The AWS console's sign-in for an IAM user, as far as revocation is concerned (AWS has no API
 * for it: the browser posts to signin.aws.amazon.com). The password must match the user's login
 * profile and, when the user has an MFA device, a 6-digit code must come with it. What a
 * signed-in console does afterwards are ordinary requests signed with temporary credentials of
 * the user, issued now: so they are authorized like the user's own, and the deny-all policy and
 * the session cutoff apply to them. `enforced` is the state as enforcement sees it (see
 * enforcement-lag.ts); the session is issued in `state`.
 */
export function consoleSignIn(state: IamState, enforced: IamState, form: URLSearchParams): ConsoleSignIn {
  const user = enforced.users.get(form.get('UserName') ?? '');
  const password = form.get('Password') ?? '';
  if (!user?.loginProfile || user.loginProfile.passwordSha256 !== passwordHash(password)) return { status: 401, error: 'Your authentication information is incorrect. Please try again.' };
  if (user.mfaSerials.length > 0 && !/^\d{6}$/.test(form.get('MfaCode') ?? '')) return { status: 401, error: 'An MFA code is required for this user.' };
  const current = state.users.get(user.name);
  if (!current) return { status: 401, error: 'Your authentication information is incorrect. Please try again.' };
  current.passwordLastUsed = new Date();
  // Console sessions may call IAM (unlike GetSessionToken's without MFA): MFA was part of the sign-in when the user has a device.
  return { status: 200, credentials: issue(state, 12 * 3600, { user: user.name }, { mfa: true }) };
}
