import { allPages, DELETE_ONLY, exists, Phase, removeOrConfirmGone, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** Admin role assignments (roleAssignments.list?userKey / delete), role names from roles.list. */
export const adminRoles: GoogleKind = {
  name: 'admin-roles',
  description: 'admin role assignments: deleted (roleAssignments.delete); role name and scope recorded',
  permissions: [Scope.roles],
  reversible: false,
  async discover({ directory, customer }, { user, mode }) {
    if (mode !== 'delete') return { skipped: DELETE_ONLY };
    const assignments = await allPages(async (pageToken) => {
      const { data } = await directory.roleAssignments.list({ customer, userKey: user, maxResults: 200, ...(pageToken ? { pageToken } : {}) });
      return { items: data.items, nextPageToken: data.nextPageToken };
    });
    if (assignments.length === 0) return [];
    const roles = await allPages(async (pageToken) => {
      const { data } = await directory.roles.list({ customer, maxResults: 100, ...(pageToken ? { pageToken } : {}) });
      return { items: data.items, nextPageToken: data.nextPageToken };
    });
    const nameOf = new Map(roles.map((role) => [String(role.roleId), role]));
    return assignments.map((assignment) => {
      const role = nameOf.get(String(assignment.roleId));
      const name = role?.roleName ?? `role ${assignment.roleId}`;
      return {
        id: String(assignment.roleAssignmentId),
        kind: 'admin-roles',
        label: `admin role ${name}${assignment.scopeType === 'ORG_UNIT' ? ` on org unit ${assignment.orgUnitId}` : ''}`,
        phase: Phase.Lock,
        details: { roleId: String(assignment.roleId), roleName: name, scopeType: assignment.scopeType ?? 'CUSTOMER', superAdmin: role?.isSuperAdminRole ?? false },
      };
    });
  },
  async revoke({ directory, customer, write }, finding, { user }) {
    return removeOrConfirmGone(
      `${user}'s admin role assignment ${finding.id}`,
      () => write(() => directory.roleAssignments.delete({ customer, roleAssignmentId: finding.id })),
      () => exists(() => directory.roleAssignments.get({ customer, roleAssignmentId: finding.id })),
    );
  },
};
