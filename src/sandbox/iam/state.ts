import { createHash } from 'node:crypto';
import { alreadyExists, deleteConflict, invalidInput, limitExceeded, malformedPolicy, noSuchEntity, validationError } from './errors.js';

export const ACCOUNT_ID = '123456789012';
const NAME = /^[\w+=,.@-]{1,64}$/;
const AWS_MANAGED_POLICY = /^arn:aws:iam::aws:policy\/[\w+=,.@/-]+$/;

export type Status = 'Active' | 'Inactive';

export interface AccessKey {
  id: string;
  secret: string;
  status: Status;
  created: Date;
  lastUsed?: { date: Date; service: string; region: string };
}
export interface Credential {
  id: string;
  status: Status;
  created: Date;
  body?: string;
  serviceName?: string;
}
export interface User {
  name: string;
  id: string;
  path: string;
  created: Date;
  boundary?: string;
  passwordLastUsed?: Date;
  accessKeys: AccessKey[];
  /** The console password, as its sha256 (console-signin.ts). */
  loginProfile?: { created: Date; passwordSha256: string };
  mfaSerials: string[];
  sshKeys: Credential[];
  certificates: Credential[];
  serviceCredentials: Credential[];
  inlinePolicies: Map<string, string>;
  managedPolicies: string[];
  groups: string[];
}
export interface Role {
  name: string;
  id: string;
  created: Date;
  trustPolicy: string;
  inlinePolicies: Map<string, string>;
}
/**
 * Temporary credentials: from GetSessionToken (an IAM user's own session) or AssumeRole. They
 * carry the time they were issued, which `aws:TokenIssueTime` conditions compare against.
 */
export type TemporarySession = { secret: string; token: string; issued: Date; expires: Date } & ({ user: string } | { role: string; session: string });

/**
 * A map keyed by IAM name, compared case-insensitively as AWS does ("jdoe" and "JDoe" are one
 * user; creating the second fails), while the entity keeps the casing it was created with.
 */
export class NameMap<V> extends Map<string, V> {
  override get(name: string): V | undefined {
    return super.get(name.toLowerCase());
  }
  override has(name: string): boolean {
    return super.has(name.toLowerCase());
  }
  override set(name: string, value: V): this {
    return super.set(name.toLowerCase(), value);
  }
  override delete(name: string): boolean {
    return super.delete(name.toLowerCase());
  }
}

export interface VirtualMfa {
  serial: string;
  user?: string;
  enabled?: Date;
}

/**
 * The in-memory state of one AWS account's IAM, with the rules the real service enforces and
 * that revoke relies on: DeleteUser refuses while anything is attached, a user has at most two
 * access keys, a virtual MFA device cannot be deleted while it is enabled.
 */
export class IamState {
  readonly users = new NameMap<User>();
  readonly groups = new NameMap<{ name: string; id: string; created: Date }>();
  /** Customer managed policies by ARN. */
  readonly policies = new NameMap<{ name: string; id: string; document: string; created: Date }>();
  readonly roles = new NameMap<Role>();
  readonly virtualMfa = new NameMap<VirtualMfa>();
  /** Temporary credentials (GetSessionToken, AssumeRole): access key id -> the session. */
  readonly sessions = new Map<string, TemporarySession>();
  /** Every access key ever created and its user: CloudTrail still names the user after a key is deleted. */
  readonly keyOwners = new Map<string, string>();
  /**
   * Set by the server when short pages are on: returns undefined for a full page, or a fraction
   * in [0, 1) that picks how many items (at least one, fewer than asked) this page holds.
   */
  shortPage?: () => number | undefined;
  private counter = 0;

  /** Deterministic ids in the shapes AWS uses (AKIA..., AIDA...). */
  newId(prefix: string, length = 16): string {
    const digest = createHash('sha256').update(`${prefix}:${++this.counter}`).digest();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    return prefix + Array.from(digest.subarray(0, length), (byte) => alphabet[byte % 32]).join('');
  }

  secret(): string {
    return `sandbox-secret-${(++this.counter).toString(36)}-${'x'.repeat(24)}`;
  }

  user(name: string | undefined): User {
    checkName(name, 'userName');
    const user = this.users.get(name!);
    if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
    return user;
  }

  createUser(name: string | undefined, path = '/', boundary?: string): User {
    checkName(name, 'userName');
    if (this.users.has(name!)) throw alreadyExists(`User with name ${name} already exists.`);
    const user: User = {
      name: name!,
      id: this.newId('AIDA'),
      path,
      created: new Date(),
      accessKeys: [],
      mfaSerials: [],
      sshKeys: [],
      certificates: [],
      serviceCredentials: [],
      inlinePolicies: new Map(),
      managedPolicies: [],
      groups: [],
      ...(boundary ? { boundary } : {}),
    };
    this.users.set(user.name, user);
    return user;
  }

  /** What still blocks DeleteUser, in AWS's words. */
  deleteBlockers(user: User): string[] {
    const blockers: string[] = [];
    if (user.loginProfile) blockers.push('login profile');
    if (user.accessKeys.length) blockers.push('access keys');
    if (user.certificates.length) blockers.push('signing certificates');
    if (user.sshKeys.length) blockers.push('SSH public keys');
    if (user.serviceCredentials.length) blockers.push('service-specific credentials');
    if (user.mfaSerials.length) blockers.push('MFA devices');
    if (user.inlinePolicies.size) blockers.push('inline policies');
    if (user.managedPolicies.length) blockers.push('attached policies');
    if (user.groups.length) blockers.push('group memberships');
    return blockers;
  }

  deleteUser(name: string | undefined): void {
    const user = this.user(name);
    const blockers = this.deleteBlockers(user);
    if (blockers.length > 0) throw deleteConflict(`Cannot delete entity, must remove ${blockers.join(', ')} first.`);
    this.users.delete(user.name);
  }

  createAccessKey(userName: string | undefined): AccessKey {
    const user = this.user(userName);
    if (user.accessKeys.length >= 2) throw limitExceeded('Cannot exceed quota for AccessKeysPerUser: 2');
    const key: AccessKey = { id: this.newId('AKIA'), secret: this.secret(), status: 'Active', created: new Date() };
    user.accessKeys.push(key);
    this.keyOwners.set(key.id, user.name);
    return key;
  }

  accessKey(userName: string | undefined, id: string | undefined): AccessKey {
    const user = this.user(userName);
    const key = user.accessKeys.find((k) => k.id === id);
    if (!key) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
    return key;
  }

  deleteAccessKey(userName: string | undefined, id: string | undefined): void {
    const user = this.user(userName);
    this.accessKey(userName, id);
    user.accessKeys = user.accessKeys.filter((k) => k.id !== id);
  }

  /** The user (or assumed role) an access key id belongs to. */
  ownerOfKey(accessKeyId: string): { user?: User; key?: AccessKey; session?: TemporarySession } {
    const session = this.sessions.get(accessKeyId);
    if (session) return { session };
    for (const user of this.users.values()) {
      const key = user.accessKeys.find((k) => k.id === accessKeyId);
      if (key) return { user, key };
    }
    return {};
  }

  addCredential(userName: string | undefined, kind: 'sshKeys' | 'certificates' | 'serviceCredentials', prefix: string, extra: Partial<Credential>): Credential {
    const user = this.user(userName);
    const limits = { sshKeys: 5, certificates: 2, serviceCredentials: 2 };
    // Service-specific credentials are limited per service (two for CodeCommit, two for Keyspaces...).
    const counted = kind === 'serviceCredentials' ? user[kind].filter((c) => c.serviceName === extra.serviceName) : user[kind];
    if (counted.length >= limits[kind]) {
      const quota = { sshKeys: 'SSHPublicKeysPerUser', certificates: 'SigningCertificatesPerUser', serviceCredentials: 'ServiceSpecificCredentialsPerUserPerService' }[kind];
      throw limitExceeded(`Cannot exceed quota for ${quota}: ${limits[kind]}`);
    }
    const credential: Credential = { id: this.newId(prefix, prefix === 'ACCA' ? 17 : 20), status: 'Active', created: new Date(), ...extra };
    user[kind].push(credential);
    return credential;
  }

  credential(userName: string | undefined, kind: 'sshKeys' | 'certificates' | 'serviceCredentials', id: string | undefined): Credential {
    const credential = this.user(userName)[kind].find((c) => c.id === id);
    if (!credential) throw noSuchEntity(`The ${describeKind(kind)} with id ${id} cannot be found.`);
    return credential;
  }

  deleteCredential(userName: string | undefined, kind: 'sshKeys' | 'certificates' | 'serviceCredentials', id: string | undefined): void {
    const user = this.user(userName);
    this.credential(userName, kind, id);
    user[kind] = user[kind].filter((c) => c.id !== id);
  }

  createVirtualMfa(name: string | undefined, path = '/'): VirtualMfa {
    checkName(name, 'virtualMFADeviceName');
    const serial = `arn:aws:iam::${ACCOUNT_ID}:mfa${path}${name}`;
    if (this.virtualMfa.has(serial)) throw alreadyExists(`MFADevice entity at the same path and name already exists.`);
    const device: VirtualMfa = { serial };
    this.virtualMfa.set(serial, device);
    return device;
  }

  enableMfa(userName: string | undefined, serial: string | undefined, code1?: string, code2?: string): void {
    const user = this.user(userName);
    if (!/^\d{6}$/.test(code1 ?? '') || !/^\d{6}$/.test(code2 ?? '')) throw invalidInput('Authentication code for device is not valid.');
    const device = this.virtualMfa.get(serial ?? '');
    if (!device) throw noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
    if (device.user) throw alreadyExists('MFA Device is already in use.');
    if (user.mfaSerials.length >= 8) throw limitExceeded('Cannot exceed quota for MFADevicesPerUser: 8');
    device.user = user.name;
    device.enabled = new Date();
    user.mfaSerials.push(device.serial);
  }

  deactivateMfa(userName: string | undefined, serial: string | undefined): void {
    const user = this.user(userName);
    if (!user.mfaSerials.includes(serial ?? '')) throw noSuchEntity(`MFA Device with serial number ${serial} does not exist.`);
    user.mfaSerials = user.mfaSerials.filter((s) => s !== serial);
    const device = this.virtualMfa.get(serial!);
    if (device) {
      delete device.user;
      delete device.enabled;
    }
  }

  deleteVirtualMfa(serial: string | undefined): void {
    const device = this.virtualMfa.get(serial ?? '');
    if (!device) throw noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
    if (device.user) throw deleteConflict('MFA Device is still in use.');
    this.virtualMfa.delete(device.serial);
  }

  createGroup(name: string | undefined): { id: string; created: Date } {
    checkName(name, 'groupName');
    if (this.groups.has(name!)) throw alreadyExists(`Group with name ${name} already exists.`);
    const group = { name: name!, id: this.newId('AGPA'), created: new Date() };
    this.groups.set(name!, group);
    return group;
  }

  group(name: string | undefined) {
    const group = this.groups.get(name ?? '');
    if (!group) throw noSuchEntity(`The group with name ${name} cannot be found.`);
    return group;
  }

  createPolicy(name: string | undefined, document: string | undefined, path = '/') {
    checkName(name, 'policyName');
    checkPolicy(document);
    const arn = `arn:aws:iam::${ACCOUNT_ID}:policy${path}${name}`;
    if (this.policies.has(arn)) throw alreadyExists(`A policy called ${name} already exists.`);
    const policy = { name: name!, id: this.newId('ANPA'), document: document!, created: new Date() };
    this.policies.set(arn, policy);
    return { arn, ...policy };
  }

  policyExists(arn: string | undefined): boolean {
    return this.policies.has(arn ?? '') || AWS_MANAGED_POLICY.test(arn ?? '');
  }

  createRole(name: string | undefined, trustPolicy: string | undefined): Role {
    checkName(name, 'roleName');
    checkPolicy(trustPolicy);
    if (this.roles.has(name!)) throw alreadyExists(`Role with name ${name} already exists.`);
    const role: Role = { name: name!, id: this.newId('AROA'), created: new Date(), trustPolicy: trustPolicy!, inlinePolicies: new Map() };
    this.roles.set(role.name, role);
    return role;
  }

  role(name: string | undefined): Role {
    const role = this.roles.get(name ?? '');
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  }
}

export function checkName(name: string | undefined, field: string): void {
  if (name === undefined || name === '') throw validationError(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  if (!NAME.test(name)) {
    throw validationError(`1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
}

export function checkPolicy(document: string | undefined): void {
  try {
    const parsed = JSON.parse(document ?? '') as { Statement?: unknown };
    if (!parsed.Statement) throw new Error('no Statement');
  } catch {
    throw malformedPolicy('Syntax errors in policy.');
  }
}

function describeKind(kind: 'sshKeys' | 'certificates' | 'serviceCredentials'): string {
  return { sshKeys: 'Public Key', certificates: 'Signing Certificate', serviceCredentials: 'Service Specific Credential' }[kind];
}
