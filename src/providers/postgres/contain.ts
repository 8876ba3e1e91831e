import type { Finding } from '../types.js';
import { roleRow, type PostgresContext, type PostgresRequest } from './kind.js';
import { loginFinding } from './kinds/login.js';
import { ownershipRefusingUnreassigned } from './kinds/role.js';
import { sessionsFinding } from './kinds/sessions.js';

/**
 * Contain first: NOLOGIN, then every live session terminated (the login and sessions kinds'
 * own revocations, in their phases). One guard read first: a role that does not exist has
 * nothing to contain, one that cannot log in is left to discovery, and a superuser is not
 * contained unless the step allows it (discovery then refuses the run, exit 2); a delete step
 * without reassignTo checks what the role owns first (the same refusal as discovery's).
 */
export async function postgresContainment(context: PostgresContext, request: PostgresRequest, kinds: string[]): Promise<Finding[]> {
  const row = await roleRow(context, request.role);
  if (!row?.rolcanlogin || (row.rolsuper && !request.allowSuperuser)) return [];
  // A delete step that would destroy what the role owns is refused before anything is contained.
  if (request.mode === 'delete' && kinds.includes('role') && !context.reassignTo) await ownershipRefusingUnreassigned(context, request.role);
  return [...(kinds.includes('login') ? [loginFinding(request.role)] : []), ...(kinds.includes('sessions') ? [sessionsFinding(request.role)] : [])];
}
