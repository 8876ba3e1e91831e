import type { Finding } from '../types.js';
import { checkTarget } from './guards.js';
import type { GoogleContext, GoogleRequest } from './kind.js';
import { backupCodes } from './kinds/backup-codes.js';
import { dataTransfer } from './kinds/data-transfer.js';
import { sessions } from './kinds/sessions.js';
import { suspend } from './kinds/suspend.js';
import { user } from './kinds/user.js';

/**
 * Contain first: every session signed out and (when the step suspends) the account suspended,
 * with the kinds' own discovery and revoke code, read at the same time as discovery's guard
 * (domain, alias, the impersonated admin, super admins) and, for a delete step without
 * transferTo, the Drive data check, and the transferTo checks: one round trip, and a refusal
 * stops the run before anything is sent. When the step also invalidates backup codes, they go
 * with the sign-out and the suspension follows one round trip later: Google refuses to process
 * the backup codes of a suspended user, and suspending last (after every other phase) left the
 * password, app passwords and OAuth tokens working for the whole run. The one containment that
 * `revoke restore` cannot undo (the person generates new codes); the step removes them anyway.
 */
export async function googleContainment(context: GoogleContext, request: GoogleRequest, kinds: string[]): Promise<Finding[]> {
  const suspends = kinds.includes('suspend');
  const [target, ...found] = await Promise.allSettled([
    checkTarget(context, request),
    kinds.includes('sessions') ? sessions.discover(context, request) : [],
    suspends ? suspend.discover(context, request) : [],
    // Credentials phase, before the suspension's phase (see above); none when already suspended.
    suspends && kinds.includes('backup-codes') ? backupCodes.discover(context, request) : [],
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
