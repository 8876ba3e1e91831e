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
};
