import type { Finding } from '../types.js';
import type { IamRequest } from './kind.js';
import { userSessionsFinding } from './kinds/sessions.js';
import { denyAllFinding } from './kinds/user.js';

/**
 * Contain first: the deny-all policy (when the step revokes `user`, in either mode: both attach
 * it first) and the session cutoff (when it revokes `sessions`). Both are inline policies whose
 * names are known without reading anything, and both are undone by deleting the policy. Putting
 * one that is already there is harmless, so nothing is read first. Sessions of the step's
 * `roles:` are left to discovery: it checks each role exists and warns whom the cutoff hits.
 */
export function iamContainment(_context: unknown, { user }: IamRequest, kinds: string[]): Finding[] {
  return [...(kinds.includes('sessions') ? [userSessionsFinding(user)] : []), ...(kinds.includes('user') ? [denyAllFinding(user)] : [])];
}
