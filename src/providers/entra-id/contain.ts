import type { Finding } from '../types.js';
import type { EntraContext, EntraRequest } from './kind.js';
import { account } from './kinds/account.js';
import { refuseGlobalAdministrator } from './kinds/directory-roles.js';
import { sessionsFinding } from './kinds/sessions.js';

/**
 * Contain first: sign-in blocked (accountEnabled false), then refresh tokens and session cookies
 * revoked (revokeSignInSessions), in the kinds' own phases and with their own revoke code. The
 * provider's guard (`guard`: the tenant's domains, the signed-in person, the user read once)
 * runs first: a refusal there stops the run before anything is sent, an absent user has nothing
 * to contain, and one already blocked is contained (its sessions are left to discovery, which
 * reads the sign-in log). Only steps that block sign-in contain: sessions alone wait for discovery.
 */
export async function entraContainment(
  context: EntraContext,
  request: EntraRequest,
  kinds: string[],
  guard: (context: EntraContext, request: EntraRequest) => Promise<'absent' | void>,
): Promise<Finding[]> {
  if ((await guard(context, request)) === 'absent' || !request.target) return [];
  // Already blocked: contained (a second run sends nothing); sessions are then discovery's to judge.
  if (!kinds.includes('account') || request.target.accountEnabled === false) return [];
  // The Global Administrator refusals of directory-roles come before anything is sent, too: from
  // the role's holders, which connect read beside the person (ConnectContext.kinds).
  if (kinds.includes('directory-roles')) await refuseGlobalAdministrator(context.graph, request.target, request);
  return [...(await account.discover(context, request).then((found) => (Array.isArray(found) ? found : []))), ...(kinds.includes('sessions') ? [sessionsFinding(request.target)] : [])];
}
