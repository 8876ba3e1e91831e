import { finding, Phase, readUser, removeOrConfirmGone, userIdOf, userPath, type EntraKind } from '../kind.js';

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
  async discover({ graph }, request) {
    const user = await readUser(graph, request.user);
    if (!user) return [];
    const assignments = await graph.list<AppRoleAssignment>(`${userPath(user.id)}/appRoleAssignments`);
    return assignments.map((a) => finding('app-roles', a.id, `assigned to application ${a.resourceDisplayName ?? a.resourceId}`, Phase.Access, { resourceId: a.resourceId, appRoleId: a.appRoleId }));
  },
  async revoke(context, found, request) {
    const userId = await userIdOf(context, request);
    if (!userId) return { status: 'already-gone' };
    return removeOrConfirmGone(
      found.label,
      () => context.graph.delete(`${userPath(userId)}/appRoleAssignments/${encodeURIComponent(found.id)}`),
      async () => (await context.graph.list<AppRoleAssignment>(`${userPath(userId)}/appRoleAssignments`)).some((a) => a.id === found.id),
    );
  },
};
