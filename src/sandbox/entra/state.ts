import { randomUUID, type KeyObject } from 'node:crypto';

/** The directory role template id of Global Administrator (the same in every tenant). */
export const GLOBAL_ADMIN_TEMPLATE = '62e90394-69f5-4237-9190-012177145e10';

export interface EntraUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  /** For the resource-owner password grant (delegated tokens in tests); never in a response. */
  password?: string;
  signInSessionsValidFromDateTime: Date;
  onPremisesSyncEnabled: boolean | null;
  createdDateTime: Date;
}

/** `type` is the Graph type name without namespace, e.g. phoneAuthenticationMethod. */
export interface AuthMethod {
  id: string;
  userId: string;
  type: string;
  properties: Record<string, unknown>;
}

export interface EntraGroup {
  id: string;
  displayName: string;
  groupTypes: string[];
  membershipRule: string | null;
  onPremisesSyncEnabled: boolean | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  members: Set<string>;
}

export interface RoleDefinition {
  id: string;
  templateId: string;
  displayName: string;
  isBuiltIn: boolean;
}

export interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface AppRoleAssignment {
  id: string;
  principalId: string;
  resourceId: string;
  resourceDisplayName: string;
  appRoleId: string;
  createdDateTime: Date;
}

export interface PermissionGrant {
  id: string;
  clientId: string;
  consentType: 'Principal' | 'AllPrincipals';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

export interface EntraDevice {
  id: string;
  deviceId: string;
  displayName: string;
  accountEnabled: boolean;
  operatingSystem: string;
  approximateLastSignInDateTime: Date | null;
  owners: Set<string>;
  registeredUsers: Set<string>;
}

export interface SignIn {
  id: string;
  createdDateTime: Date;
  userId: string;
  userPrincipalName: string;
  appDisplayName: string;
  isInteractive: boolean;
  errorCode: number;
  failureReason: string | null;
}

/** An app registration that may get tokens with client credentials (secret or certificate). */
export interface AppRegistration {
  clientId: string;
  secret?: string;
  /** The certificate's public key and base64url thumbprints (SHA-1, SHA-256), as uploaded to the app. */
  certificate?: { publicKey: KeyObject; thumbprints: string[] };
  /** Federated identity credentials: tokens from this issuer for this subject (a CI job) are accepted as the app. */
  federated?: Array<{ issuer: string; subject: string; publicKey: KeyObject }>;
  /** Application permissions granted (roles claim), e.g. User.ReadWrite.All. */
  roles: string[];
}

/** A refresh token a user's app holds: refused once sessions are revoked or the account disabled. */
export interface UserRefreshToken {
  userId: string;
  issuedAt: Date;
  clientId: string;
}

export interface TenantFlags {
  /** Sign-in logs need Entra ID P1/P2; without them Graph answers 403. */
  signInLogsLicensed: boolean;
}

/** Everything the Entra sandbox knows about one tenant. */
export class EntraState {
  readonly tenantId = randomUUID();
  tenantName = 'Contoso';
  readonly domain = 'contoso.example';
  readonly flags: TenantFlags = { signInLogsLicensed: true };
  readonly users = new Map<string, EntraUser>();
  /** Soft-deleted users (Graph keeps them 30 days in deletedItems). */
  readonly deletedUsers = new Map<string, EntraUser & { deletedDateTime: Date }>();
  readonly authMethods: AuthMethod[] = [];
  readonly groups = new Map<string, EntraGroup>();
  readonly roleDefinitions = new Map<string, RoleDefinition>();
  readonly roleAssignments: RoleAssignment[] = [];
  readonly appRoleAssignments: AppRoleAssignment[] = [];
  readonly permissionGrants: PermissionGrant[] = [];
  readonly devices = new Map<string, EntraDevice>();
  readonly signIns: SignIn[] = [];
  readonly apps = new Map<string, AppRegistration>();
  /** Issued access tokens → who holds them. */
  readonly accessTokens = new Map<string, { clientId: string; userId?: string; roles: string[]; expires: Date }>();
  readonly refreshTokens = new Map<string, UserRefreshToken>();

  constructor() {
    for (const [templateId, displayName] of [
      [GLOBAL_ADMIN_TEMPLATE, 'Global Administrator'],
      ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator'],
      ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader'],
    ] as const) {
      this.roleDefinitions.set(templateId, { id: templateId, templateId, displayName, isBuiltIn: true });
    }
  }

  /** A user by object id or user principal name (case-insensitive), as Graph resolves /users/{id}. */
  user(idOrUpn: string): EntraUser | undefined {
    const direct = this.users.get(idOrUpn);
    if (direct) return direct;
    const lower = idOrUpn.toLowerCase();
    return [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === lower);
  }

  addUser(upn: string, options: Partial<Omit<EntraUser, 'id' | 'userPrincipalName'>> = {}): EntraUser {
    const user: EntraUser = {
      id: randomUUID(),
      userPrincipalName: upn,
      displayName: options.displayName ?? upn.split('@')[0]!,
      accountEnabled: options.accountEnabled ?? true,
      signInSessionsValidFromDateTime: options.signInSessionsValidFromDateTime ?? new Date('2026-01-01T00:00:00Z'),
      onPremisesSyncEnabled: options.onPremisesSyncEnabled ?? null,
      createdDateTime: options.createdDateTime ?? new Date('2024-03-01T09:00:00Z'),
      ...(options.password ? { password: options.password } : {}),
    };
    this.users.set(user.id, user);
    return user;
  }

  addGroup(displayName: string, options: Partial<Pick<EntraGroup, 'groupTypes' | 'membershipRule' | 'onPremisesSyncEnabled'>> = {}): EntraGroup {
    const group: EntraGroup = {
      id: randomUUID(),
      displayName,
      groupTypes: options.groupTypes ?? [],
      membershipRule: options.membershipRule ?? null,
      onPremisesSyncEnabled: options.onPremisesSyncEnabled ?? null,
      securityEnabled: true,
      mailEnabled: false,
      members: new Set(),
    };
    this.groups.set(group.id, group);
    return group;
  }

  assignRole(principalId: string, templateId: string): RoleAssignment {
    const assignment = { id: randomUUID(), principalId, roleDefinitionId: templateId, directoryScopeId: '/' };
    this.roleAssignments.push(assignment);
    return assignment;
  }

  /** Issues a refresh token to one of the user's apps (what revokeSignInSessions invalidates). */
  issueRefreshToken(userId: string, clientId = 'office-client'): string {
    const token = `rt.${randomUUID()}`;
    this.refreshTokens.set(token, { userId, issuedAt: new Date(), clientId });
    return token;
  }
}
