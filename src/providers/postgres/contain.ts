import type { Finding } from '../types.js';
import { roleRow, type PostgresContext, type PostgresRequest } from './kind.js';
import { loginFinding } from './kinds/login.js';
import { ownershipRefusingUnreassigned } from './kinds/role.js';
import { sessionsFinding } from './kinds/sessions.js';

/**
 * Contain first: NOLOGIN, then every live session terminated (the login and sessions kinds'
 * own revocations, in their phases). One guard round trip first: a role that does not exist has
 * nothing to contain, one that cannot log in is left to discovery, and a superuser is not
 * contained unless the step allows it (discovery then refuses the run, exit 2); a delete step
 * without reassignTo also reads what the role owns, in the same round trip (pipelined), and is
 * refused before anything is contained (the same refusal as discovery's).
 *
 * When the step lists both, the login finding terminates the sessions in NOLOGIN's round trip
 * (see the login kind); the sessions finding still terminates any left and reports them all.
 */
export async function postgresContainment(context: PostgresContext, request: PostgresRequest, kinds: string[]): Promise<Finding[]> {
  const checksOwnership = request.mode === 'delete' && kinds.includes('role') && !context.reassignTo;
  const [row, ownership] = await Promise.allSettled([roleRow(context, request.role), checksOwnership ? ownershipRefusingUnreassigned(context, request.role) : undefined]);
  if (row.status === 'rejected') throw row.reason;
  if (!row.value?.rolcanlogin || (row.value.rolsuper && !request.allowSuperuser)) return [];
  // A delete step that would destroy what the role owns is refused before anything is contained.
  if (ownership.status === 'rejected') throw ownership.reason;
  const sessionsToo = kinds.includes('sessions');
  return [...(kinds.includes('login') ? [loginFinding(request.role, { endsSessions: sessionsToo })] : []), ...(sessionsToo ? [sessionsFinding(request.role)] : [])];
}
