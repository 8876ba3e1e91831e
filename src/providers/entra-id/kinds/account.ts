import { finding, Phase, readUser, userIdOf, userPath, type EntraKind } from '../kind.js';

/** Sign-in blocked (accountEnabled: false): reversible, first in both modes. */
export const account: EntraKind = {
  name: 'account',
  description: 'the account: sign-in blocked (accountEnabled false), first; reversible',
  permissions: ['User.EnableDisableAccount.All (or User.ReadWrite.All)', 'User.Read.All'],
  reversible: true,
  async discover({ graph }, request) {
    const user = await readUser(graph, request.user);
    if (!user || user.accountEnabled === false) return [];
    return [finding('account', user.id, `sign-in of ${user.userPrincipalName} (enabled now)`, Phase.Contain, { wasEnabled: true })];
  },
  async revoke(context, _finding, request) {
    const id = await userIdOf(context, request);
    if (!id) return { status: 'already-gone' };
    await context.graph.patch(userPath(id), { accountEnabled: false });
    return { status: 'revoked', detail: 'sign-in blocked' };
  },
};
