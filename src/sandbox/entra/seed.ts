import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import type { EntraSandbox } from './server.js';
import { GLOBAL_ADMIN_TEMPLATE, type EntraUser } from './state.js';

/** Every application permission the entra-id provider can use; the operator app gets these by default. */
export const ALL_APP_PERMISSIONS = [
  'Organization.Read.All',
  'User.ReadWrite.All',
  'User.RevokeSessions.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.Read.All',
  'Device.ReadWrite.All',
  'AuditLog.Read.All',
];

export interface EntraOperator {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Registers the app revoke authenticates as (client secret; add a certificate with
 * `registerCertificate`) and a Global Administrator who is not the person leaving.
 */
export function seedEntraTenant(sandbox: EntraSandbox, options: { roles?: string[]; admins?: string[] } = {}): EntraOperator {
  const { state } = sandbox;
  const clientId = randomUUID();
  const clientSecret = `sbx~${randomBytes(24).toString('base64url')}`;
  state.apps.set(clientId, { clientId, secret: clientSecret, roles: options.roles ?? ALL_APP_PERMISSIONS });
  for (const upn of options.admins ?? [`admin@${state.domain}`]) state.assignRole(state.addUser(upn).id, GLOBAL_ADMIN_TEMPLATE);
  return { tenantId: state.tenantId, clientId, clientSecret };
}

/**
 * What a revoke run needs to work on this sandbox: the operator app's credentials (sandbox-only),
 * the authority and Graph URLs, and trust in the sandbox's self-signed TLS certificate.
 */
export function entraSandboxEnvironment(sandbox: EntraSandbox, operator: EntraOperator): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: sandbox.caFile,
    AZURE_TENANT_ID: operator.tenantId,
    AZURE_CLIENT_ID: operator.clientId,
    AZURE_CLIENT_SECRET: operator.clientSecret,
    AZURE_AUTHORITY_HOST: sandbox.url,
    REVOKE_GRAPH_URL: sandbox.graphUrl,
  };
}

/** Lets an app authenticate with a certificate (its PEM certificate and thumbprints). */
export function registerCertificate(sandbox: EntraSandbox, clientId: string, certificate: { cert: string; thumbprints: string[] }): void {
  const app = sandbox.state.apps.get(clientId)!;
  app.certificate = { publicKey: createPublicKey(certificate.cert), thumbprints: certificate.thumbprints };
}

export interface DepartingEntraUser {
  upn: string;
  password?: string;
  /** Method types without namespace, e.g. phoneAuthenticationMethod; the password method is always there. */
  methods?: string[];
  groups?: Array<string | { name: string; dynamic?: boolean; synced?: boolean }>;
  /** Role template ids, e.g. GLOBAL_ADMIN_TEMPLATE. */
  roles?: string[];
  appRoles?: string[];
  consents?: Array<{ scope: string }>;
  devices?: Array<{ name: string; registered?: boolean; lastSignIn?: Date }>;
}

const METHOD_PROPERTIES: Record<string, Record<string, unknown>> = {
  phoneAuthenticationMethod: { phoneNumber: '+1 2065550100', phoneType: 'mobile', smsSignInState: 'notConfigured' },
  microsoftAuthenticatorAuthenticationMethod: { displayName: 'iPhone 15', deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.8.7' },
  fido2AuthenticationMethod: { displayName: 'YubiKey 5', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', model: 'YubiKey 5 NFC', attestationLevel: 'attested' },
  softwareOathAuthenticationMethod: { secretKey: null },
  emailAuthenticationMethod: { emailAddress: 'jane.personal@example.org' },
  temporaryAccessPassAuthenticationMethod: { isUsable: true, isUsableOnce: true, lifetimeInMinutes: 60, methodUsabilityReason: 'EnabledByPolicy', temporaryAccessPass: null },
  windowsHelloForBusinessAuthenticationMethod: { displayName: 'JANE-LAPTOP', keyStrength: 'normal' },
  passwordAuthenticationMethod: { password: null },
};

export const ALL_METHOD_TYPES = Object.keys(METHOD_PROPERTIES).filter((type) => type !== 'passwordAuthenticationMethod');

/**
 * Lays out a person with every kind of access the entra-id provider takes away, signed in an
 * hour ago: `refreshToken` is what their mail app holds (refused once sessions are revoked).
 */
export function seedEntraUser(sandbox: EntraSandbox, spec: DepartingEntraUser): { user: EntraUser; refreshToken: string } {
  const { state } = sandbox;
  const user = state.addUser(spec.upn, spec.password ? { password: spec.password } : {});
  const signedIn = new Date(Date.now() - 3600_000);
  state.signIns.push({ id: randomUUID(), createdDateTime: signedIn, userId: user.id, userPrincipalName: user.userPrincipalName, appDisplayName: 'Outlook Mobile', isInteractive: true, errorCode: 0, failureReason: null });
  const refreshToken = state.issueRefreshToken(user.id, 'outlook-mobile');
  state.refreshTokens.get(refreshToken)!.issuedAt = signedIn;
  for (const type of ['passwordAuthenticationMethod', ...(spec.methods ?? [])]) {
    const id = type === 'passwordAuthenticationMethod' ? '28c10230-6103-485e-b985-444c60001490' : randomUUID();
    state.authMethods.push({ id, userId: user.id, type, properties: { createdDateTime: '2025-02-03T10:00:00Z', ...METHOD_PROPERTIES[type] } });
  }
  for (const entry of spec.groups ?? []) {
    const { name, dynamic, synced } = typeof entry === 'string' ? { name: entry } : entry;
    const group =
      [...state.groups.values()].find((g) => g.displayName === name) ??
      state.addGroup(name, { ...(dynamic ? { groupTypes: ['DynamicMembership'], membershipRule: '(user.department -eq "Engineering")' } : {}), ...(synced ? { onPremisesSyncEnabled: true } : {}) });
    group.members.add(user.id);
  }
  for (const template of spec.roles ?? []) state.assignRole(user.id, template);
  for (const resource of spec.appRoles ?? []) {
    state.appRoleAssignments.push({ id: randomBytes(24).toString('base64url'), principalId: user.id, resourceId: randomUUID(), resourceDisplayName: resource, appRoleId: randomUUID(), createdDateTime: new Date('2025-05-01T08:00:00Z') });
  }
  for (const consent of spec.consents ?? []) {
    state.permissionGrants.push({ id: randomBytes(32).toString('base64url'), clientId: randomUUID(), consentType: 'Principal', principalId: user.id, resourceId: randomUUID(), scope: consent.scope });
  }
  for (const device of spec.devices ?? []) {
    const id = randomUUID();
    state.devices.set(id, {
      id,
      deviceId: randomUUID(),
      displayName: device.name,
      accountEnabled: true,
      operatingSystem: 'Windows',
      approximateLastSignInDateTime: device.lastSignIn ?? new Date('2026-10-01T08:00:00Z'),
      owners: new Set(device.registered ? [] : [user.id]),
      registeredUsers: new Set([user.id]),
    });
  }
  return { user, refreshToken };
}
