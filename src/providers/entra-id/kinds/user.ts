import { finding, Phase, readUser, removeOrConfirmGone, targetOf, userPath, type EntraKind } from '../kind.js';

/** Delete mode only: the user object deleted last (Entra keeps it restorable for 30 days). */
export const user: EntraKind = {
  name: 'user',
  description: 'delete mode: the user deleted last (a soft delete: restorable from deleted items for 30 days)',
  permissions: ['User.ReadWrite.All'],
  reversible: false,
  async discover(context, request) {
    if (request.mode !== 'delete') return { skipped: 'the user object is deleted only in mode: delete' };
    const user = await targetOf(context, request);
    if (!user) return [];
    return [finding('user', user, user.id, `user ${user.userPrincipalName} itself (soft delete: restorable for 30 days)`, Phase.User, { userPrincipalName: user.userPrincipalName })];
  },
  async revoke({ graph }, found) {
    const outcome = await removeOrConfirmGone(
      found.label,
      () => graph.delete(userPath(found.id)),
      async () => (await readUser(graph, found.id)) !== null,
    );
    return outcome.status === 'revoked' ? { status: 'revoked', detail: 'soft-deleted: restorable from deleted items for 30 days, then gone for good' } : outcome;
  },
  notRestorable: (found) => ({ reason: 'the user was soft-deleted', instead: `restore it from deleted items within 30 days: POST /directory/deletedItems/${found.id}/restore`, identityRemoved: true }),
};
