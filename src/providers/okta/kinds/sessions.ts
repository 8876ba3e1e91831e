import { ago } from '../../types.js';
import { findUser, Phase, readUser, statusOf, type OktaKind } from '../kind.js';

const LOG_RETENTION_MS = 90 * 86_400_000;

/**
 * Okta has no admin API that lists a user's sessions, so discovery reads what it can: a user who
 * signed in (lastLogin) and whose sessions were not cleared since (System Log
 * user.session.clear) may still hold sessions.
 */
export const sessions: OktaKind = {
  name: 'sessions',
  description: 'IdP sessions and the OAuth tokens Okta issued: cleared (universalLogout: also Universal Logout)',
  permissions: ['okta.users.manage', 'okta.logs.read (to skip sessions already cleared)', 'okta.universalLogout.manage (only with universalLogout: true)'],
  reversible: false,
  async discover(context, { user }) {
    const person = await findUser(context, user);
    if (!person || person.status === 'DEPROVISIONED' || !person.lastLogin) return [];
    const since = new Date(Math.max(Date.parse(person.lastLogin), Date.now() - LOG_RETENTION_MS + 60_000)).toISOString();
    // Without okta.logs.read the kind cannot tell, and clears anyway: clearing is idempotent.
    const cleared = await context.http.get<unknown[]>('/api/v1/logs', { since, filter: `eventType eq "user.session.clear" and target.id eq "${person.id}"`, limit: '1' }).catch((error: unknown) => {
      if (statusOf(error) === 403) return undefined;
      throw error;
    });
    if (cleared && cleared.length > 0) return [];
    const lastLogin = new Date(person.lastLogin);
    return [
      {
        id: person.id,
        kind: 'sessions',
        label: `Okta sessions and Okta-issued OAuth tokens of ${person.profile.login} (last sign-in ${lastLogin.toISOString()}, ${ago(lastLogin)}${cleared ? '' : '; System Log not readable, so maybe already cleared'})`,
        phase: Phase.Credentials,
        details: { userId: person.id, lastLogin: person.lastLogin },
        warnings: ['access tokens that apps validate locally (JWTs) stay valid until they expire (1 h by default); use universalLogout: true for apps that support Universal Logout'],
      },
    ];
  },
  async revoke(context, finding, request) {
    const userId = String(finding.details?.userId);
    try {
      await context.http.send('DELETE', `/api/v1/users/${userId}/sessions`, { query: { oauthTokens: 'true' } });
    } catch (error) {
      if (statusOf(error) === 404 && !(await readUser(context, userId))) return { status: 'already-gone', detail: 'the user no longer exists' };
      throw error;
    }
    if (!request.universalLogout) return { status: 'revoked', detail: 'sessions and Okta-issued OAuth tokens cleared' };
    await context.http.send('POST', '/oauth2/v1/global-token-revocation', { json: { sub_id: { format: 'opaque', id: userId } } });
    return { status: 'revoked', detail: 'sessions and Okta-issued OAuth tokens cleared; Universal Logout sent' };
  },
  notRestorable: () => ({ reason: 'ended sessions cannot be restored: the person signs in again' }),
};
