import type { SandboxActivity, SandboxDevice, SandboxGroup, SandboxRole, SandboxRoleAssignment, SandboxTransfer, SandboxUser } from './state.js';

/** The Admin SDK's JSON shapes for the sandbox's state (the fields revoke and Google's clients read). */
export function userResource(user: SandboxUser, customerId: string) {
  return {
    kind: 'admin#directory#user',
    id: user.id,
    etag: `"${user.id}"`,
    primaryEmail: user.primaryEmail,
    name: { givenName: user.givenName, familyName: user.familyName, fullName: `${user.givenName} ${user.familyName}` },
    isAdmin: user.isAdmin,
    isDelegatedAdmin: false,
    lastLoginTime: (user.lastLoginTime ?? new Date(0)).toISOString(),
    creationTime: user.creationTime.toISOString(),
    agreedToTerms: true,
    suspended: user.suspended,
    ...(user.suspended ? { suspensionReason: 'ADMIN' } : {}),
    archived: false,
    changePasswordAtNextLogin: user.changePasswordAtNextLogin,
    ipWhitelisted: false,
    emails: [{ address: user.primaryEmail, primary: true }, ...user.aliases.map((address) => ({ address }))],
    ...(user.aliases.length ? { aliases: user.aliases } : {}),
    customerId,
    orgUnitPath: '/',
    isMailboxSetup: true,
    isEnrolledIn2Sv: user.backupCodes.length > 0,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
    ...(user.deletionTime ? { deletionTime: user.deletionTime.toISOString() } : {}),
  };
}

export const tokenResource = (user: SandboxUser, clientId: string, grant: { displayText: string; scopes: string[]; nativeApp: boolean }) => ({
  kind: 'admin#directory#token',
  etag: `"${clientId}"`,
  clientId,
  displayText: grant.displayText,
  scopes: grant.scopes,
  nativeApp: grant.nativeApp,
  anonymous: false,
  userKey: user.id,
});

export const aspResource = (user: SandboxUser, asp: { codeId: number; name: string; creationTime: number; lastTimeUsed: number }) => ({
  kind: 'admin#directory#asp',
  etag: `"${asp.codeId}"`,
  codeId: asp.codeId,
  name: asp.name,
  creationTime: String(asp.creationTime),
  lastTimeUsed: String(asp.lastTimeUsed),
  userKey: user.id,
});

export const verificationCodeResource = (user: SandboxUser, code: string) => ({ kind: 'admin#directory#verificationCode', etag: `"${code}"`, userId: user.id, verificationCode: code });

export const groupResource = (group: SandboxGroup) => ({
  kind: 'admin#directory#group',
  id: group.id,
  etag: `"${group.id}"`,
  email: group.email,
  name: group.name,
  directMembersCount: String(group.members.size),
  adminCreated: true,
});

export const memberResource = (group: SandboxGroup, email: string, role: string, id: string) => ({
  kind: 'admin#directory#member',
  etag: `"${group.id}/${id}"`,
  id,
  email,
  role,
  type: 'USER',
  status: 'ACTIVE',
  delivery_settings: 'ALL_MAIL',
});

export const deviceResource = (device: SandboxDevice) => ({
  kind: 'admin#directory#mobiledevice',
  etag: `"${device.resourceId}"`,
  resourceId: device.resourceId,
  deviceId: device.resourceId.slice(0, 16),
  email: [device.email],
  model: device.model,
  os: device.os,
  type: device.type,
  status: device.status,
  lastSync: device.lastSync.toISOString(),
});

export const roleResource = (role: SandboxRole) => ({
  kind: 'admin#directory#role',
  etag: `"${role.roleId}"`,
  roleId: role.roleId,
  roleName: role.roleName,
  isSystemRole: true,
  isSuperAdminRole: role.isSuperAdminRole,
  rolePrivileges: [],
});

export const roleAssignmentResource = (assignment: SandboxRoleAssignment) => ({
  kind: 'admin#directory#roleAssignment',
  etag: `"${assignment.roleAssignmentId}"`,
  roleAssignmentId: assignment.roleAssignmentId,
  roleId: assignment.roleId,
  assignedTo: assignment.assignedTo,
  assigneeType: 'user',
  scopeType: assignment.scopeType,
  ...(assignment.orgUnitId ? { orgUnitId: assignment.orgUnitId } : {}),
});

export const transferResource = (transfer: SandboxTransfer) => ({
  kind: 'admin#datatransfer#DataTransfer',
  etag: `"${transfer.id}"`,
  id: transfer.id,
  oldOwnerUserId: transfer.oldOwnerUserId,
  newOwnerUserId: transfer.newOwnerUserId,
  overallTransferStatusCode: transfer.status,
  requestTime: transfer.requestTime.toISOString(),
  applicationDataTransfers: transfer.applicationDataTransfers.map((app) => ({ ...app, applicationTransferStatus: transfer.status === 'completed' ? 'completed' : 'pending' })),
});

export const activityResource = (activity: SandboxActivity, customerId: string) => ({
  kind: 'admin#reports#activity',
  etag: `"${activity.uniqueQualifier}"`,
  id: { time: activity.time.toISOString(), uniqueQualifier: activity.uniqueQualifier, applicationName: activity.applicationName, customerId },
  actor: { email: activity.userEmail, profileId: activity.profileId, callerType: 'USER' },
  ipAddress: activity.ipAddress,
  events: [{ type: activity.applicationName === 'login' ? 'login' : activity.applicationName === 'token' ? 'auth' : 'USER_SETTINGS', name: activity.name, parameters: activity.parameters }],
});

export const DATA_TRANSFER_APPLICATIONS = [
  { kind: 'admin#datatransfer#ApplicationResource', id: '55656082996', name: 'Drive and Docs', transferParams: [{ key: 'PRIVACY_LEVEL', value: ['PRIVATE', 'SHARED'] }] },
  { kind: 'admin#datatransfer#ApplicationResource', id: '435070579839', name: 'Calendar', transferParams: [{ key: 'RELEASE_RESOURCES', value: ['TRUE'] }] },
];
