import type { Finding } from '../types.js';
import { isNoSuchEntity } from './aws-errors.js';
import type { IamContext, IamRequest } from './kind.js';
import { sessions } from './kinds/sessions.js';
import { DENY_ALL_ID, user } from './kinds/user.js';

/**
 * Contain first: the deny-all policy (when the step revokes `user`, in either mode: both attach
 * it first) and the session cutoff (when it revokes `sessions`), found by the kinds' own
 * discovery. That costs one read (ListUserPolicies, shared with discovery through the run's read
 * cache) before the puts, and it is what `revoke restore` relies on: a deny-all policy already
 * there before the run is no finding (restore leaves it), and a cutoff the run replaces is
 * recorded (details.previousCutoff) so restore can put it back. Sessions of the step's `roles:`
 * are left to discovery: it checks each role exists and warns whom the cutoff hits. A user who
 * does not exist has nothing to contain (discovery says so).
 */
export async function iamContainment(context: IamContext, request: IamRequest, kinds: string[]): Promise<Finding[]> {
  try {
    const [sessionFindings, userFindings] = await Promise.all([
      kinds.includes('sessions') ? sessions.discover(context, { ...request, roles: [] }) : [],
      kinds.includes('user') ? user.discover(context, { ...request, mode: 'disable' }) : [],
    ]);
    const found = [sessionFindings, userFindings].flatMap((answer) => (Array.isArray(answer) ? answer : []));
    return found.filter((finding) => finding.kind === 'sessions' || finding.id === DENY_ALL_ID);
  } catch (error) {
    if (isNoSuchEntity(error)) return [];
    throw error;
  }
}
