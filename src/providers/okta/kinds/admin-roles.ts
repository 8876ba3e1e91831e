import { findUser, guardSuperAdmin, Phase, removeOrConfirmGone, stillListed, type OktaKind } from '../kind.js';

interface Role {
  id: string;
  type: string;
  label?: string;
}

/** Admin role assignments; a super admin only with allowSuperAdmin: true, never the last one. */
export const adminRoles: OktaKind = {
  name: 'admin-roles',
  mayRefuse: true,
  description: 'admin role assignments: removed (super admin only with allowSuperAdmin: true, never the last)',
  permissions: ['okta.roles.manage'],
  reversible: false,
  async discover(context, request) {
    const person = await findUser(context, request.user);
    if (!person) return [];
    const roles = await context.http.get<Role[]>(`/api/v1/users/${person.id}/roles`);
    if (roles.length > 0) await guardSuperAdmin(context, person, request, 'remove their admin roles');
    return roles.map((role) => ({
      id: role.id,
      kind: 'admin-roles',
      label: `admin role ${role.label ?? role.type} (${role.type})`,
      phase: Phase.Access,
      details: { userId: person.id, roleType: role.type },
      ...(role.type === 'SUPER_ADMIN' ? { warnings: [`${person.profile.login} is a super admin: removing the role is allowed by allowSuperAdmin: true`] } : {}),
    }));
  },
  async revoke(context, finding) {
    const userId = String(finding.details?.userId);
    const rolesPath = `/api/v1/users/${userId}/roles`;
    return removeOrConfirmGone(finding.label, () => context.http.send('DELETE', `${rolesPath}/${finding.id}`), stillListed(context, rolesPath, finding.id));
  },
  notRestorable: () => ({ reason: 'removed admin roles are not re-assigned by revoke restore', instead: 'assign them again in the Okta admin console (the report lists them)' }),
};
