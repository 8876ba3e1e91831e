import { createHash, randomBytes } from 'node:crypto';

export interface OAuthGrant {
  displayText: string;
  scopes: string[];
  nativeApp: boolean;
  /** Access tokens this third-party app holds for the person: refused once the grant is deleted. */
  accessTokens: Set<string>;
}

export interface AppPassword {
  codeId: number;
  name: string;
  creationTime: number;
  lastTimeUsed: number;
  secret: string;
}

export interface SandboxUser {
  id: string;
  primaryEmail: string;
  aliases: string[];
  givenName: string;
  familyName: string;
  isAdmin: boolean;
  suspended: boolean;
  changePasswordAtNextLogin: boolean;
  passwordHash: string;
  lastLoginTime: Date | undefined;
  creationTime: Date;
  deletionTime: Date | undefined;
  /** Browser and device session cookies: refused after signOut, suspension or deletion. */
  sessions: Set<string>;
  grants: Map<string, OAuthGrant>;
  appPasswords: Map<number, AppPassword>;
  backupCodes: string[];
  driveUsedMb: number;
}

export interface SandboxGroup {
  id: string;
  email: string;
  name: string;
  /** member email -> OWNER | MANAGER | MEMBER */
  members: Map<string, string>;
}

export interface SandboxDevice {
  resourceId: string;
  email: string;
  model: string;
  os: string;
  type: string;
  status: string;
  lastSync: Date;
}

export interface SandboxRole {
  roleId: string;
  roleName: string;
  isSuperAdminRole: boolean;
}

export interface SandboxRoleAssignment {
  roleAssignmentId: string;
  roleId: string;
  assignedTo: string;
  scopeType: 'CUSTOMER' | 'ORG_UNIT';
  orgUnitId?: string;
}

export interface SandboxTransfer {
  id: string;
  oldOwnerUserId: string;
  newOwnerUserId: string;
  applicationDataTransfers: Array<{ applicationId: string; applicationTransferParams?: unknown[]; applicationTransferStatus?: string }>;
  status: 'new' | 'inProgress' | 'completed' | 'failed';
  requestTime: Date;
  /** Polls (transfers.get) left before it completes. */
  pollsLeft: number;
}

export interface SandboxActivity {
  time: Date;
  uniqueQualifier: string;
  userEmail: string;
  profileId: string;
  applicationName: 'login' | 'token' | 'admin';
  name: string;
  ipAddress: string;
  parameters: Array<{ name: string; value: string }>;
}

export interface ServiceAccount {
  clientEmail: string;
  clientId: string;
  publicKey: string;
  /** Scopes granted to the client id in the Admin console's domain-wide delegation. */
  delegatedScopes: Set<string>;
}

export const hashPassword = (password: string) => createHash('sha256').update(password).digest('hex');

/** Everything one Google Workspace customer holds, as the Admin SDK exposes it. */
export class GoogleState {
  readonly customerId = 'C03az79cb';
  readonly domains = new Set<string>();
  readonly users = new Map<string, SandboxUser>();
  readonly groups = new Map<string, SandboxGroup>();
  readonly devices = new Map<string, SandboxDevice>();
  readonly roles = new Map<string, SandboxRole>();
  readonly roleAssignments = new Map<string, SandboxRoleAssignment>();
  readonly transfers = new Map<string, SandboxTransfer>();
  readonly activities: SandboxActivity[] = [];
  readonly serviceAccounts = new Map<string, ServiceAccount>();
  readonly accessTokens = new Map<string, { clientEmail: string; subject: string; scopes: Set<string>; expires: number }>();
  /** transfers.get calls a new transfer needs before it completes. */
  transferPolls = 1;
  private nextId = 100_000_000_000_000_000_000n;

  id(): string {
    this.nextId += 7919n;
    return String(this.nextId);
  }

  secret(): string {
    return randomBytes(18).toString('base64url');
  }

  /** A live user by primary email, alias or id (case-insensitive), as userKey resolves. */
  user(key: string): SandboxUser | undefined {
    const wanted = key.toLowerCase();
    for (const user of this.users.values()) {
      if (user.deletionTime) continue;
      if (user.id === key || user.primaryEmail === wanted || user.aliases.includes(wanted)) return user;
    }
    return undefined;
  }

  isActive(user: SandboxUser | undefined): user is SandboxUser {
    return Boolean(user && !user.suspended && !user.deletionTime);
  }

  record(user: SandboxUser, applicationName: SandboxActivity['applicationName'], name: string, parameters: SandboxActivity['parameters'] = []): void {
    this.activities.push({ time: new Date(), uniqueQualifier: this.id(), userEmail: user.primaryEmail, profileId: user.id, applicationName, name, ipAddress: '203.0.113.7', parameters });
  }
}
