import type { AppRoleAssignment, AuthMethod, EntraDevice, EntraGroup, EntraState, EntraUser, PermissionGrant, RoleAssignment, RoleDefinition, SignIn } from './state.js';

/** Graph resources as Microsoft Graph v1.0 serializes them (the properties the sandbox models). */
type Json = Record<string, unknown>;

const iso = (date: Date | null) => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

export function userObject(user: EntraUser): Json {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    accountEnabled: user.accountEnabled,
    onPremisesSyncEnabled: user.onPremisesSyncEnabled,
    signInSessionsValidFromDateTime: iso(user.signInSessionsValidFromDateTime),
    createdDateTime: iso(user.createdDateTime),
  };
}

export function groupObject(group: EntraGroup): Json {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: group.id,
    displayName: group.displayName,
    groupTypes: group.groupTypes,
    membershipRule: group.membershipRule,
    onPremisesSyncEnabled: group.onPremisesSyncEnabled,
    securityEnabled: group.securityEnabled,
    mailEnabled: group.mailEnabled,
  };
}

export function authMethodObject(method: AuthMethod): Json {
  return { '@odata.type': `#microsoft.graph.${method.type}`, id: method.id, ...method.properties };
}

export function roleAssignmentObject(assignment: RoleAssignment): Json {
  return { id: assignment.id, principalId: assignment.principalId, roleDefinitionId: assignment.roleDefinitionId, directoryScopeId: assignment.directoryScopeId };
}

export function roleDefinitionObject(definition: RoleDefinition): Json {
  return { id: definition.id, templateId: definition.templateId, displayName: definition.displayName, isBuiltIn: definition.isBuiltIn, isEnabled: true };
}

export function appRoleAssignmentObject(assignment: AppRoleAssignment, state: EntraState): Json {
  const principal = state.users.get(assignment.principalId);
  return {
    id: assignment.id,
    principalId: assignment.principalId,
    principalType: 'User',
    principalDisplayName: principal?.displayName ?? null,
    resourceId: assignment.resourceId,
    resourceDisplayName: assignment.resourceDisplayName,
    appRoleId: assignment.appRoleId,
    createdDateTime: iso(assignment.createdDateTime),
    deletedDateTime: null,
  };
}

export function permissionGrantObject(grant: PermissionGrant): Json {
  return { id: grant.id, clientId: grant.clientId, consentType: grant.consentType, principalId: grant.principalId, resourceId: grant.resourceId, scope: grant.scope };
}

export function deviceObject(device: EntraDevice): Json {
  return {
    '@odata.type': '#microsoft.graph.device',
    id: device.id,
    deviceId: device.deviceId,
    displayName: device.displayName,
    accountEnabled: device.accountEnabled,
    operatingSystem: device.operatingSystem,
    approximateLastSignInDateTime: iso(device.approximateLastSignInDateTime),
  };
}

export function signInObject(signIn: SignIn): Json {
  return {
    id: signIn.id,
    // Full precision: the sign-in log's $filter on createdDateTime compares instants.
    createdDateTime: signIn.createdDateTime.toISOString(),
    userId: signIn.userId,
    userPrincipalName: signIn.userPrincipalName,
    appDisplayName: signIn.appDisplayName,
    isInteractive: signIn.isInteractive,
    status: { errorCode: signIn.errorCode, failureReason: signIn.failureReason, additionalDetails: null },
  };
}

export function organizationObject(state: EntraState): Json {
  return { id: state.tenantId, displayName: state.tenantName, verifiedDomains: [{ name: state.domain, isDefault: true, isInitial: false, type: 'Managed', capabilities: 'Email' }] };
}

/** Applies OData $select: the listed properties (and id, and annotations) only. */
export function selected(object: Json, select: string | undefined): Json {
  if (!select) return object;
  const keep = new Set(select.split(',').map((s) => s.trim()));
  return Object.fromEntries(Object.entries(object).filter(([key]) => key === 'id' || key.startsWith('@odata.') || keep.has(key)));
}
