import { finding, Phase, targetOf, removeOrConfirmGone, userIdOf, userPath, type EntraKind } from '../kind.js';

interface AppRoleAssignment {
  id: string;
  resourceDisplayName?: string;
  resourceId: string;
  appRoleId: string;
}

/** Assignments of the user to enterprise applications (app roles) deleted. */
export const appRoles: EntraKind = {
  name: 'app-roles',
  description: 'app role assignments (access to enterprise applications) deleted',
  permissions: ['AppRoleAssignment.ReadWrite.All'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const assignments = await graph.list<AppRoleAssignment>(`${userPath(user.id)}/appRoleAssignments`);
    return assignments.map((a) => finding('app-roles', user, a.id, `assigned to application ${a.resourceDisplayName ?? a.resourceId}`, Phase.Access, { resourceId: a.resourceId, appRoleId: a.appRoleId }));
  },
  async revoke(context, found, request) {
    const userId = await userIdOf(context, request, found);
    if (!userId) return { status: 'already-gone' };
    return removeOrConfirmGone(
      found.label,
      () => context.graph.delete(`${userPath(userId)}/appRoleAssignments/${encodeURIComponent(found.id)}`),
      async () => (await context.graph.list<AppRoleAssignment>(`${userPath(userId)}/appRoleAssignments`)).some((a) => a.id === found.id),
    );
  },
};
