import type { Finding } from '../../types.js';
import { finding, Phase, type GraphUser, readUser, removeOrConfirmGone, statusOf, targetOf, userIdOf, userPath, type EntraKind } from '../kind.js';

/** The user's sessions as a finding: what discovery reports and what containment fires first. */
export function sessionsFinding(user: GraphUser, validFrom: string | null = null): Finding {
  const label = `refresh tokens and session cookies of ${user.userPrincipalName} (access tokens already issued stay valid up to an hour unless the app supports Continuous Access Evaluation)`;
  return finding('sessions', user, user.id, label, Phase.Sessions, validFrom ? { validFrom } : {});
}

/**
 * Refresh tokens and session cookies (revokeSignInSessions). A second run finds nothing when the
 * sign-in log shows no successful sign-in since the last revocation; without the log it always acts.
 */
export const sessions: EntraKind = {
  name: 'sessions',
  description: 'refresh tokens and browser sessions revoked (revokeSignInSessions); access tokens already issued live up to an hour unless the app supports Continuous Access Evaluation',
  permissions: ['User.RevokeSessions.All (or User.ReadWrite.All)', 'AuditLog.Read.All (optional: skip when nothing signed in since)'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const validFrom = user.signInSessionsValidFromDateTime ?? null;
    if (validFrom) {
      try {
        const since = await graph.get<{ value: Array<{ status?: { errorCode?: number } }> }>(
          `/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${user.id}' and createdDateTime ge ${validFrom}`)}&$top=50`,
        );
        if (!since.value.some((s) => s.status?.errorCode === 0)) return [];
      } catch (error) {
        if (statusOf(error) !== 403) throw error;
      }
    }
    return [sessionsFinding(user, validFrom)];
  },
  async revoke(context, found, request) {
    const id = await userIdOf(context, request, found);
    if (!id) return { status: 'already-gone' };
    return removeOrConfirmGone(
      found.label,
      () => context.graph.post(`${userPath(id)}/revokeSignInSessions`),
      async () => (await readUser(context.graph, id)) !== null,
      'refresh tokens and session cookies invalid; access tokens expire within an hour (sooner where Continuous Access Evaluation applies)',
    );
  },
  notRestorable: () => ({ reason: 'revoked sign-in sessions and refresh tokens cannot be restored: the person signs in again' }),
};
