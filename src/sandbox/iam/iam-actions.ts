import { IamError, noSuchEntity, validationError } from './errors.js';
import { passwordHash } from './password.js';
import { ACCOUNT_ID, checkPolicy, type Credential, type IamState, type Status, type User } from './state.js';
import type { XmlValue } from './xml.js';

export type Params = Record<string, string | undefined>;
export type ActionHandler = (state: IamState, params: Params) => Record<string, XmlValue> | undefined;

/**
 * Marker/MaxItems/IsTruncated, as every IAM List* call does them. AWS may return fewer than
 * MaxItems items with IsTruncated true ("even when there are more results available"); the
 * sandbox does so when `state.shortPage` says, so callers must follow IsTruncated, not counts.
 */
function page<T>(state: IamState, items: T[], params: Params, render: (item: T) => XmlValue): { items: XmlValue[]; IsTruncated: boolean; Marker?: string } {
  const max = params.MaxItems === undefined ? 100 : Number(params.MaxItems);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw validationError(`Value '${params.MaxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  const start = params.Marker ? Number(Buffer.from(params.Marker, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw validationError('Invalid Marker.');
  const full = Math.min(max, items.length - start);
  const cut = full > 1 ? state.shortPage?.() : undefined;
  const served = cut === undefined ? max : 1 + Math.floor(cut * (full - 1));
  const slice = items.slice(start, start + served);
  const truncated = start + served < items.length;
  return { items: slice.map(render), IsTruncated: truncated, ...(truncated ? { Marker: Buffer.from(String(start + served)).toString('base64url') } : {}) };
}

function listOf<T>(state: IamState, key: string, items: T[], params: Params, render: (item: T) => XmlValue): Record<string, XmlValue> {
  const result = page(state, items, params, render);
  return { [key]: result.items, IsTruncated: result.IsTruncated, Marker: result.Marker };
}

function status(value: string | undefined): Status {
  if (value !== 'Active' && value !== 'Inactive') throw validationError(`Value '${value}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
  return value;
}

const userXml = (user: User): XmlValue => ({
  Path: user.path,
  UserName: user.name,
  UserId: user.id,
  Arn: `arn:aws:iam::${ACCOUNT_ID}:user${user.path}${user.name}`,
  CreateDate: user.created,
  PasswordLastUsed: user.passwordLastUsed,
  PermissionsBoundary: user.boundary ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: user.boundary } : undefined,
});

const credentialXml = (user: User, idField: string, extra: (c: Credential) => Record<string, XmlValue> = () => ({})) => (c: Credential): XmlValue => ({
  UserName: user.name,
  [idField]: c.id,
  Status: c.status,
  ...extra(c),
});

function credentialActions(
  kind: 'sshKeys' | 'certificates' | 'serviceCredentials',
  names: { upload: string; list: string; update: string; remove: string; idParam: string; listKey: string; single: string },
  prefix: string,
  fromParams: (params: Params) => Partial<Credential>,
  render: (user: User) => (c: Credential) => XmlValue,
  renderCreated: (user: User, c: Credential) => XmlValue,
): Record<string, ActionHandler> {
  return {
    [names.upload]: (state, p) => {
      const credential = state.addCredential(p.UserName, kind, prefix, fromParams(p));
      return { [names.single]: renderCreated(state.user(p.UserName), credential) };
    },
    [names.list]: (state, p) => {
      const user = state.user(p.UserName);
      return listOf(state, names.listKey, user[kind], p, render(user));
    },
    [names.update]: (state, p) => {
      state.credential(p.UserName, kind, p[names.idParam]).status = status(p.Status);
      return undefined;
    },
    [names.remove]: (state, p) => {
      state.deleteCredential(p.UserName, kind, p[names.idParam]);
      return undefined;
    },
  };
}

export const iamActions: Record<string, ActionHandler> = {
  CreateUser: (state, p) => ({ User: userXml(state.createUser(p.UserName, p.Path ?? '/', p.PermissionsBoundary)) }),
  GetUser: (state, p) => ({ User: userXml(state.user(p.UserName)) }),
  ListUsers: (state, p) => listOf(state, 'Users', [...state.users.values()], p, userXml),
  DeleteUser: (state, p) => {
    state.deleteUser(p.UserName);
    return undefined;
  },
  PutUserPermissionsBoundary: (state, p) => {
    const user = state.user(p.UserName);
    if (!state.policyExists(p.PermissionsBoundary)) throw noSuchEntity(`Policy ${p.PermissionsBoundary} does not exist or is not attachable.`);
    user.boundary = p.PermissionsBoundary!;
    return undefined;
  },
  DeleteUserPermissionsBoundary: (state, p) => {
    const user = state.user(p.UserName);
    if (!user.boundary) throw noSuchEntity(`The user ${user.name} has no permissions boundary.`);
    delete user.boundary;
    return undefined;
  },

  CreateAccessKey: (state, p) => {
    const key = state.createAccessKey(p.UserName);
    return { AccessKey: { UserName: p.UserName, AccessKeyId: key.id, Status: key.status, SecretAccessKey: key.secret, CreateDate: key.created } };
  },
  ListAccessKeys: (state, p) => {
    const user = state.user(p.UserName);
    return listOf(state, 'AccessKeyMetadata', user.accessKeys, p, (k) => ({ UserName: user.name, AccessKeyId: k.id, Status: k.status, CreateDate: k.created }));
  },
  UpdateAccessKey: (state, p) => {
    state.accessKey(p.UserName, p.AccessKeyId).status = status(p.Status);
    return undefined;
  },
  GetAccessKeyLastUsed: (state, p) => {
    const owner = state.ownerOfKey(p.AccessKeyId ?? '');
    if (!owner.user || !owner.key) throw noSuchEntity(`The Access Key with id ${p.AccessKeyId} cannot be found.`);
    const used = owner.key.lastUsed;
    return {
      UserName: owner.user.name,
      AccessKeyLastUsed: used ? { LastUsedDate: used.date, ServiceName: used.service, Region: used.region } : { ServiceName: 'N/A', Region: 'N/A' },
    };
  },
  DeleteAccessKey: (state, p) => {
    state.deleteAccessKey(p.UserName, p.AccessKeyId);
    return undefined;
  },

  CreateLoginProfile: (state, p) => {
    const user = state.user(p.UserName);
    if (user.loginProfile) throw new IamError('EntityAlreadyExists', `Login Profile for user ${user.name} already exists.`, 409);
    if (!p.Password || p.Password.length < 8) throw new IamError('PasswordPolicyViolation', 'Password should have at least 8 characters', 400);
    user.loginProfile = { created: new Date(), passwordSha256: passwordHash(p.Password) };
    return { LoginProfile: { UserName: user.name, CreateDate: user.loginProfile.created, PasswordResetRequired: p.PasswordResetRequired === 'true' } };
  },
  GetLoginProfile: (state, p) => {
    const user = state.user(p.UserName);
    if (!user.loginProfile) throw noSuchEntity(`Login Profile for User ${user.name} cannot be found.`);
    return { LoginProfile: { UserName: user.name, CreateDate: user.loginProfile.created, PasswordResetRequired: false } };
  },
  DeleteLoginProfile: (state, p) => {
    const user = state.user(p.UserName);
    if (!user.loginProfile) throw noSuchEntity(`Login Profile for User ${user.name} cannot be found.`);
    delete user.loginProfile;
    return undefined;
  },

  CreateVirtualMFADevice: (state, p) => {
    const device = state.createVirtualMfa(p.VirtualMFADeviceName, p.Path ?? '/');
    return { VirtualMFADevice: { SerialNumber: device.serial, Base32StringSeed: Buffer.from('SANDBOXSEED').toString('base64') } };
  },
  EnableMFADevice: (state, p) => {
    state.enableMfa(p.UserName, p.SerialNumber, p.AuthenticationCode1, p.AuthenticationCode2);
    return undefined;
  },
  ListMFADevices: (state, p) => {
    const user = state.user(p.UserName);
    return listOf(state, 'MFADevices', user.mfaSerials, p, (serial) => ({ UserName: user.name, SerialNumber: serial, EnableDate: state.virtualMfa.get(serial)?.enabled ?? user.created }));
  },
  DeactivateMFADevice: (state, p) => {
    state.deactivateMfa(p.UserName, p.SerialNumber);
    return undefined;
  },
  DeleteVirtualMFADevice: (state, p) => {
    state.deleteVirtualMfa(p.SerialNumber);
    return undefined;
  },

  ...credentialActions(
    'sshKeys',
    { upload: 'UploadSSHPublicKey', list: 'ListSSHPublicKeys', update: 'UpdateSSHPublicKey', remove: 'DeleteSSHPublicKey', idParam: 'SSHPublicKeyId', listKey: 'SSHPublicKeys', single: 'SSHPublicKey' },
    'APKA',
    (p) => {
      if (!p.SSHPublicKeyBody?.startsWith('ssh-')) throw new IamError('InvalidPublicKey', 'The public key is not valid.', 400);
      return { body: p.SSHPublicKeyBody };
    },
    (user) => credentialXml(user, 'SSHPublicKeyId', (c) => ({ UploadDate: c.created })),
    (user, c) => ({ UserName: user.name, SSHPublicKeyId: c.id, Fingerprint: 'sandbox:fingerprint', SSHPublicKeyBody: c.body, Status: c.status, UploadDate: c.created }),
  ),
  ...credentialActions(
    'certificates',
    { upload: 'UploadSigningCertificate', list: 'ListSigningCertificates', update: 'UpdateSigningCertificate', remove: 'DeleteSigningCertificate', idParam: 'CertificateId', listKey: 'Certificates', single: 'Certificate' },
    'CERT',
    (p) => {
      if (!p.CertificateBody?.includes('BEGIN CERTIFICATE')) throw new IamError('MalformedCertificate', 'The certificate is not valid.', 400);
      return { body: p.CertificateBody };
    },
    (user) => credentialXml(user, 'CertificateId', (c) => ({ CertificateBody: c.body, UploadDate: c.created })),
    (user, c) => ({ UserName: user.name, CertificateId: c.id, CertificateBody: c.body, Status: c.status, UploadDate: c.created }),
  ),
  ...credentialActions(
    'serviceCredentials',
    { upload: 'CreateServiceSpecificCredential', list: 'ListServiceSpecificCredentials', update: 'UpdateServiceSpecificCredential', remove: 'DeleteServiceSpecificCredential', idParam: 'ServiceSpecificCredentialId', listKey: 'ServiceSpecificCredentials', single: 'ServiceSpecificCredential' },
    'ACCA',
    (p) => {
      if (!p.ServiceName) throw validationError("Value null at 'serviceName' failed to satisfy constraint: Member must not be null");
      return { serviceName: p.ServiceName };
    },
    (user) => credentialXml(user, 'ServiceSpecificCredentialId', (c) => ({ ServiceName: c.serviceName, ServiceUserName: `${user.name}-at-${ACCOUNT_ID}`, CreateDate: c.created })),
    (user, c) => ({
      CreateDate: c.created,
      ServiceName: c.serviceName,
      ServiceUserName: `${user.name}-at-${ACCOUNT_ID}`,
      ServicePassword: 'sandbox-service-password',
      ServiceSpecificCredentialId: c.id,
      UserName: user.name,
      Status: c.status,
    }),
  ),

  CreateGroup: (state, p) => {
    const group = state.createGroup(p.GroupName);
    return { Group: { Path: '/', GroupName: p.GroupName, GroupId: group.id, Arn: `arn:aws:iam::${ACCOUNT_ID}:group/${p.GroupName}`, CreateDate: group.created } };
  },
  AddUserToGroup: (state, p) => {
    const group = state.group(p.GroupName);
    const user = state.user(p.UserName);
    if (!user.groups.includes(group.name)) user.groups.push(group.name);
    return undefined;
  },
  GetGroup: (state, p) => {
    const group = state.group(p.GroupName);
    const members = [...state.users.values()].filter((u) => u.groups.includes(group.name));
    return {
      Group: { Path: '/', GroupName: group.name, GroupId: group.id, Arn: `arn:aws:iam::${ACCOUNT_ID}:group/${group.name}`, CreateDate: group.created },
      ...listOf(state, 'Users', members, p, userXml),
    };
  },
  ListGroupsForUser: (state, p) => {
    const user = state.user(p.UserName);
    return listOf(state, 'Groups', user.groups, p, (name) => {
      const group = state.group(name);
      return { Path: '/', GroupName: name, GroupId: group.id, Arn: `arn:aws:iam::${ACCOUNT_ID}:group/${name}`, CreateDate: group.created };
    });
  },
  RemoveUserFromGroup: (state, p) => {
    const group = state.group(p.GroupName);
    const user = state.user(p.UserName);
    if (!user.groups.includes(group.name)) throw noSuchEntity(`User ${user.name} is not in group ${group.name}.`);
    user.groups = user.groups.filter((g) => g !== group.name);
    return undefined;
  },

  CreatePolicy: (state, p) => {
    const policy = state.createPolicy(p.PolicyName, p.PolicyDocument, p.Path ?? '/');
    return { Policy: { PolicyName: policy.name, PolicyId: policy.id, Arn: policy.arn, Path: p.Path ?? '/', DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true, CreateDate: policy.created } };
  },
  AttachUserPolicy: (state, p) => {
    const user = state.user(p.UserName);
    if (!state.policyExists(p.PolicyArn)) throw noSuchEntity(`Policy ${p.PolicyArn} does not exist or is not attachable.`);
    if (!user.managedPolicies.includes(p.PolicyArn!)) user.managedPolicies.push(p.PolicyArn!);
    return undefined;
  },
  ListAttachedUserPolicies: (state, p) => {
    const user = state.user(p.UserName);
    return listOf(state, 'AttachedPolicies', user.managedPolicies, p, (arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn }));
  },
  DetachUserPolicy: (state, p) => {
    const user = state.user(p.UserName);
    if (!user.managedPolicies.includes(p.PolicyArn ?? '')) throw noSuchEntity(`Policy ${p.PolicyArn} was not found.`);
    user.managedPolicies = user.managedPolicies.filter((arn) => arn !== p.PolicyArn);
    return undefined;
  },

  PutUserPolicy: (state, p) => {
    const user = state.user(p.UserName);
    checkPolicy(p.PolicyDocument);
    user.inlinePolicies.set(p.PolicyName!, p.PolicyDocument!);
    return undefined;
  },
  ListUserPolicies: (state, p) => listOf(state, 'PolicyNames', [...state.user(p.UserName).inlinePolicies.keys()], p, (name) => name),
  GetUserPolicy: (state, p) => {
    const document = state.user(p.UserName).inlinePolicies.get(p.PolicyName ?? '');
    if (document === undefined) throw noSuchEntity(`The user policy with name ${p.PolicyName} cannot be found.`);
    return { UserName: p.UserName, PolicyName: p.PolicyName, PolicyDocument: encodeURIComponent(document) };
  },
  DeleteUserPolicy: (state, p) => {
    const user = state.user(p.UserName);
    if (!user.inlinePolicies.delete(p.PolicyName ?? '')) throw noSuchEntity(`The user policy with name ${p.PolicyName} cannot be found.`);
    return undefined;
  },

  CreateRole: (state, p) => {
    const role = state.createRole(p.RoleName, p.AssumeRolePolicyDocument);
    return { Role: { Path: '/', RoleName: role.name, RoleId: role.id, Arn: `arn:aws:iam::${ACCOUNT_ID}:role/${role.name}`, CreateDate: role.created } };
  },
  GetRole: (state, p) => {
    const role = state.role(p.RoleName);
    return { Role: { Path: '/', RoleName: role.name, RoleId: role.id, Arn: `arn:aws:iam::${ACCOUNT_ID}:role/${role.name}`, CreateDate: role.created, AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy) } };
  },
  PutRolePolicy: (state, p) => {
    const role = state.role(p.RoleName);
    checkPolicy(p.PolicyDocument);
    role.inlinePolicies.set(p.PolicyName!, p.PolicyDocument!);
    return undefined;
  },
  ListRolePolicies: (state, p) => listOf(state, 'PolicyNames', [...state.role(p.RoleName).inlinePolicies.keys()], p, (name) => name),
  GetRolePolicy: (state, p) => {
    const document = state.role(p.RoleName).inlinePolicies.get(p.PolicyName ?? '');
    if (document === undefined) throw noSuchEntity(`The role policy with name ${p.PolicyName} cannot be found.`);
    return { RoleName: p.RoleName, PolicyName: p.PolicyName, PolicyDocument: encodeURIComponent(document) };
  },
  DeleteRolePolicy: (state, p) => {
    if (!state.role(p.RoleName).inlinePolicies.delete(p.PolicyName ?? '')) throw noSuchEntity(`The role policy with name ${p.PolicyName} cannot be found.`);
    return undefined;
  },
};

/** Read-only actions; everything else changes the account. */
export function isMutatingAction(action: string): boolean {
  return !/^(Get|List)/.test(action);
}
