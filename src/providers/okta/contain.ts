import type { Finding } from '../types.js';
import { findUser, Phase, type OktaContext, type OktaRequest } from './kind.js';
import { suspend } from './kinds/suspend.js';

/**
 * Contain first: sessions and Okta-issued OAuth tokens cleared, then (disable mode) the user
 * suspended, in the kinds' own phases and with their own revoke code. The provider's guard
 * (`guard`: the org's domains) runs first, and suspension's own discovery brings the super admin
 * guard, so a refusal stops the run before anything is sent. A user who never signed in has no
 * session to clear; whether the System Log shows them cleared already is left to discovery.
 * Delete mode deactivates the user (kind user) after discovery; only the sessions go first.
 */
export async function oktaContainment(
  context: OktaContext,
  request: OktaRequest,
  kinds: string[],
  guard: (context: OktaContext, request: OktaRequest) => Promise<'absent' | void>,
): Promise<Finding[]> {
  if ((await guard(context, request)) === 'absent') return [];
  // Only steps that lock the account contain, and only an ACTIVE user: one suspended or
  // deactivated is contained already (a second run sends nothing); discovery judges the rest.
  if (!kinds.includes('suspend') && !kinds.includes('user')) return [];
  const person = await findUser(context, request.user);
  if (person?.status !== 'ACTIVE') return [];
  const suspension = kinds.includes('suspend') ? await suspend.discover(context, request) : [];
  const sessions: Finding[] =
    kinds.includes('sessions') && person.lastLogin
      ? [{ id: person.id, kind: 'sessions', label: `Okta sessions and Okta-issued OAuth tokens of ${person.profile.login}`, phase: Phase.Credentials, details: { userId: person.id, lastLogin: person.lastLogin } }]
      : [];
  return [...sessions, ...(Array.isArray(suspension) ? suspension : [])];
}
