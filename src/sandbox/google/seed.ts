import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { GoogleSandbox } from './server.js';
import { hashPassword, type SandboxUser } from './state.js';

/** Every scope the google-workspace provider asks for; the default delegation of a seeded service account. */
export const PROVIDER_SCOPES = [
  'admin.directory.user',
  'admin.directory.user.security',
  'admin.directory.device.mobile.action',
  'admin.directory.device.mobile.readonly',
  'admin.directory.group',
  'admin.directory.rolemanagement',
  'admin.datatransfer',
  'admin.reports.usage.readonly',
  'admin.reports.audit.readonly',
].map((scope) => `https://www.googleapis.com/auth/${scope}`);

export interface GoogleCustomerSpec {
  domain: string;
  /** The admin the service account impersonates (a super admin). */
  admin: string;
  otherDomains?: string[];
  /** Scopes granted in domain-wide delegation (default: all the provider uses). */
  delegatedScopes?: string[];
}

export interface GoogleDepartingUser {
  email: string;
  isAdmin?: boolean;
  aliases?: string[];
  lastLoginMinutesAgo?: number;
  oauthApps?: Array<{ clientId: string; name: string; scopes: string[] }>;
  appPasswords?: Array<{ name: string; lastUsedMinutesAgo?: number }>;
  backupCodes?: number;
  devices?: Array<{ model: string; os: string }>;
  /** group email -> role */
  groups?: Record<string, 'OWNER' | 'MANAGER' | 'MEMBER'>;
  adminRoles?: string[];
  driveUsedMb?: number;
  suspended?: boolean;
}

/** What the person could sign in with before the revocation (each is refused afterwards). */
export interface PersonCredentials {
  sessionCookie: string;
  password: string;
  /** clientId -> an access token that app holds for the person. */
  appTokens: Record<string, string>;
  appPasswords: string[];
}

/**
 * One service-account key pair per process: an RSA key costs 0.2 s of CPU or more to generate,
 * and the tests seed a customer per test. Service accounts stay apart by client_email.
 */
let serviceAccountKeyPair: { publicKey: KeyObject; privateKey: KeyObject } | undefined;

/**
 * Sets up the customer: its domains, the impersonated admin and a service account with
 * domain-wide delegation. Returns the service account's JSON key (as Google's console makes it).
 */
export function seedGoogleCustomer(sandbox: GoogleSandbox, spec: GoogleCustomerSpec): string {
  const { state } = sandbox;
  for (const domain of [spec.domain, ...(spec.otherDomains ?? [])]) state.domains.add(domain);
  if (state.roles.size === 0) {
    state.roles.set('9170516996', { roleId: '9170516996', roleName: '_SEED_ADMIN_ROLE', isSuperAdminRole: true });
    state.roles.set('9170516997', { roleId: '9170516997', roleName: '_GROUPS_ADMIN_ROLE', isSuperAdminRole: false });
    state.roles.set('9170516998', { roleId: '9170516998', roleName: '_HELP_DESK_ADMIN_ROLE', isSuperAdminRole: false });
  }
  seedGoogleUser(sandbox, { email: spec.admin, isAdmin: true, lastLoginMinutesAgo: 5 });
  const { publicKey, privateKey } = (serviceAccountKeyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const clientEmail = `revoke@offboarding-${state.serviceAccounts.size + 1}.iam.gserviceaccount.com`;
  const clientId = state.id();
  state.serviceAccounts.set(clientEmail, { clientEmail, clientId, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), delegatedScopes: new Set(spec.delegatedScopes ?? PROVIDER_SCOPES) });
  return JSON.stringify({
    type: 'service_account',
    project_id: 'offboarding',
    private_key_id: state.id().slice(0, 12),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: clientId,
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}

/** Lays out one person with everything an offboarding has to take away; returns what they could sign in with. */
export function seedGoogleUser(sandbox: GoogleSandbox, spec: GoogleDepartingUser): PersonCredentials {
  const { state } = sandbox;
  const email = spec.email.toLowerCase();
  const password = state.secret();
  const [givenName = email] = email.split('@')[0]!.split('.');
  const user: SandboxUser = {
    id: state.id(),
    primaryEmail: email,
    aliases: (spec.aliases ?? []).map((a) => a.toLowerCase()),
    givenName,
    familyName: 'Example',
    isAdmin: spec.isAdmin ?? false,
    suspended: spec.suspended ?? false,
    changePasswordAtNextLogin: false,
    passwordHash: hashPassword(password),
    lastLoginTime: spec.lastLoginMinutesAgo === undefined ? undefined : new Date(Date.now() - spec.lastLoginMinutesAgo * 60_000),
    creationTime: new Date(Date.now() - 400 * 86_400_000),
    deletionTime: undefined,
    sessions: new Set(),
    grants: new Map(),
    appPasswords: new Map(),
    backupCodes: Array.from({ length: spec.backupCodes ?? 0 }, (_, i) => String(10_000_000 + i * 7_919).slice(0, 8)),
    driveUsedMb: spec.driveUsedMb ?? 0,
  };
  state.users.set(user.id, user);
  const sessionCookie = state.secret();
  user.sessions.add(sessionCookie);
  const appTokens: Record<string, string> = {};
  for (const app of spec.oauthApps ?? []) {
    const token = `ya29.app-${state.secret()}`;
    user.grants.set(app.clientId, { displayText: app.name, scopes: app.scopes, nativeApp: false, accessTokens: new Set([token]) });
    appTokens[app.clientId] = token;
  }
  const appPasswords: string[] = [];
  for (const asp of spec.appPasswords ?? []) {
    const secret = state.secret().slice(0, 16);
    const codeId = user.appPasswords.size + 1;
    user.appPasswords.set(codeId, { codeId, name: asp.name, creationTime: Date.now() - 90 * 86_400_000, lastTimeUsed: asp.lastUsedMinutesAgo === undefined ? 0 : Date.now() - asp.lastUsedMinutesAgo * 60_000, secret });
    appPasswords.push(secret);
  }
  for (const device of spec.devices ?? []) {
    const resourceId = `AFiQxQ8${state.id()}`;
    state.devices.set(resourceId, { resourceId, email, model: device.model, os: device.os, type: device.os.startsWith('iOS') ? 'IOS_SYNC' : 'ANDROID', status: 'APPROVED', lastSync: new Date(Date.now() - 3600_000) });
  }
  for (const [groupEmail, role] of Object.entries(spec.groups ?? {})) {
    const key = groupEmail.toLowerCase();
    if (!state.groups.has(key)) state.groups.set(key, { id: state.id().slice(0, 15), email: key, name: key.split('@')[0]!, members: new Map() });
    state.groups.get(key)!.members.set(email, role);
  }
  for (const roleName of spec.adminRoles ?? []) {
    const role = [...state.roles.values()].find((r) => r.roleName === roleName);
    if (!role) throw new Error(`the sandbox has no role ${roleName}`);
    const roleAssignmentId = state.id().slice(0, 15);
    state.roleAssignments.set(roleAssignmentId, { roleAssignmentId, roleId: role.roleId, assignedTo: user.id, scopeType: 'CUSTOMER' });
  }
  return { sessionCookie, password, appTokens, appPasswords };
}

/** The environment that points the google-workspace provider at the sandbox. */
export function googleSandboxEnvironment(sandbox: GoogleSandbox): Record<string, string> {
  return { GOOGLE_WORKSPACE_API_URL: sandbox.url, GOOGLE_WORKSPACE_TOKEN_URL: sandbox.tokenUrl };
}
