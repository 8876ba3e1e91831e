import type { Finding } from '../types.js';
import { checkTarget } from './guards.js';
import type { GoogleContext, GoogleRequest } from './kind.js';
import { dataTransfer } from './kinds/data-transfer.js';
import { sessions } from './kinds/sessions.js';
import { suspend } from './kinds/suspend.js';
import { user } from './kinds/user.js';

/**
 * Contain first: every session signed out and (when the step suspends) the account suspended,
 * with the kinds' own discovery and revoke code, read at the same time as discovery's guard
 * (domain, alias, the impersonated admin, super admins) and, for a delete step without
 * transferTo, the Drive data check, and the transferTo checks: one round trip, and a refusal stops the run before anything is sent. Not suspended first when the step also removes backup codes:
 * Google refuses to process those for a suspended user, so the step suspends last, as it always did.
 */
export async function googleContainment(context: GoogleContext, request: GoogleRequest, kinds: string[]): Promise<Finding[]> {
  const suspendsFirst = kinds.includes('suspend') && !kinds.includes('backup-codes');
  const [target, ...found] = await Promise.allSettled([
    checkTarget(context, request),
    kinds.includes('sessions') ? sessions.discover(context, request) : [],
    suspendsFirst ? suspend.discover(context, request) : [],
    // Its refusal (Drive data and no transferTo) must come before anything is sent.
    kinds.includes('user') && request.mode === 'delete' && !request.transferTo ? user.discover(context, request).then(() => []) : [],
    // And the transferTo checks (same customer, exists, active).
    kinds.includes('data-transfer') ? dataTransfer.discover(context, request).then(() => []) : [],
  ]);
  // The guard's answer first: a refusal, or a user who is gone (the kinds' reads then fail with 404).
  if (target.status === 'rejected') throw target.reason;
  if (target.value === 'absent') return [];
  return found.flatMap((answer) => {
    if (answer.status === 'rejected') throw answer.reason;
    return Array.isArray(answer.value) ? answer.value : [];
  });
}
