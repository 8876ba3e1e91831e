import { finding, Phase, targetOf, removeOrConfirmGone, userIdOf, userPath, type EntraKind } from '../kind.js';

interface Grant {
  id: string;
  clientId: string;
  resourceId: string;
  scope?: string;
  consentType?: string;
}

/** Delegated permission grants the user consented to (apps acting as the user) deleted. */
export const consents: EntraKind = {
  name: 'consents',
  description: "delegated permission grants the user consented to (an app acting as the user, e.g. Mail.Read) deleted",
  permissions: ['DelegatedPermissionGrant.ReadWrite.All'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const grants = (await graph.list<Grant>(`${userPath(user.id)}/oauth2PermissionGrants`)).filter((g) => g.consentType !== 'AllPrincipals');
    return grants.map((g) => finding('consents', user, g.id, `consent for app ${g.clientId}: ${g.scope?.trim() || '(no scopes)'}`, Phase.Access, { clientId: g.clientId, resourceId: g.resourceId, scope: g.scope?.trim() ?? '' }));
  },
  async revoke(context, found, request) {
    const userId = await userIdOf(context, request, found);
    return removeOrConfirmGone(
      found.label,
      () => context.graph.delete(`/oauth2PermissionGrants/${encodeURIComponent(found.id)}`),
      async () => (userId ? (await context.graph.list<Grant>(`${userPath(userId)}/oauth2PermissionGrants`)).some((g) => g.id === found.id) : false),
    );
  },
  notRestorable: () => ({ reason: 'removed consents cannot be restored: the person (or an admin) consents again' }),
};
