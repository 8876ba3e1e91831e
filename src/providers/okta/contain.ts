import type { Finding } from '../types.js';
import { findUser, Phase, type OktaContext, type OktaRequest } from './kind.js';
import { suspend } from './kinds/suspend.js';

/**
 * Contain first: sessions and Okta-issued OAuth tokens cleared and (disable mode) the user
 * suspended, together, with the kinds' own revoke code. The provider's guard
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
  // Suspension goes out with the session clear, not a round trip after it: Okta suspends only an
  // ACTIVE user and clears sessions whatever the status, so either may land first and both end in
  // the same state; the person is locked out and signed out at about the same moment (one after
  // the other left a round trip in which a fresh sign-in could follow the clear).
  const suspended = (Array.isArray(suspension) ? suspension : []).map((finding) => ({ ...finding, phase: Phase.Credentials }));
  return [...sessions, ...suspended];
}
