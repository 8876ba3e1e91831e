import { finding, Phase, readUser, removeOrConfirmGone, targetOf, userIdOf, userPath, type EntraKind } from '../kind.js';

/** Sign-in blocked (accountEnabled: false): reversible, first in both modes. */
export const account: EntraKind = {
  name: 'account',
  description: 'the account: sign-in blocked (accountEnabled false), first; reversible',
  permissions: ['User.EnableDisableAccount.All (or User.ReadWrite.All)', 'User.Read.All'],
  reversible: true,
  async discover(context, request) {
    const user = await targetOf(context, request);
    if (!user || user.accountEnabled === false) return [];
    return [finding('account', user, user.id, `sign-in of ${user.userPrincipalName} (enabled now)`, Phase.Contain, { wasEnabled: true })];
  },
  async revoke(context, found, request) {
    const id = await userIdOf(context, request, found);
    if (!id) return { status: 'already-gone' };
    return removeOrConfirmGone(
      found.label,
      () => context.graph.patch(userPath(id), { accountEnabled: false }),
      async () => (await readUser(context.graph, id)) !== null,
      'sign-in blocked',
    );
  },

  // `revoke restore`: sign-in allowed again (accountEnabled true), as it was (details.wasEnabled).
  async planRestore(context, found, request) {
    if (found.details?.wasEnabled === false) return { action: 'keep', reason: 'sign-in was blocked before the run' };
    const user = await targetOf(context, request);
    if (!user) return { action: 'conflict', reason: `${request.user} no longer exists (deleted since the run)` };
    return { action: 'restore', what: user.accountEnabled === false ? `allow sign-in of ${user.userPrincipalName} again (accountEnabled true)` : `sign-in of ${user.userPrincipalName} is enabled already` };
  },
  async restore(context, _found, request) {
    const user = await targetOf(context, request);
    if (!user) return { status: 'conflict', reason: `${request.user} no longer exists (deleted since the run)` };
    if (user.accountEnabled !== false) return { status: 'already-restored', detail: 'accountEnabled true' };
    await context.graph.patch(userPath(user.id), { accountEnabled: true });
    return { status: 'restored', detail: 'sign-in allowed (accountEnabled true)' };
  },
};
