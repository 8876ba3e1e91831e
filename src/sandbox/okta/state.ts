import { randomBytes, randomUUID } from 'node:crypto';

export type UserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';

export interface SandboxUser {
  id: string;
  login: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  created: Date;
  statusChanged: Date;
  lastLogin: Date | null;
}

export interface SandboxGroup {
  id: string;
  name: string;
  type: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
  members: Set<string>;
}

export interface SandboxApp {
  id: string;
  name: string;
  label: string;
  /** Provisioning (SCIM/API) enabled: removing an assignment deprovisions the app account. */
  provisioning: boolean;
  assignments: Map<string, { created: Date; scope: 'USER' | 'GROUP' }>;
  /** App accounts deprovisioned by removing assignments (user ids), to prove the effect. */
  deprovisioned: string[];
}

export interface SandboxRole {
  id: string;
  type: string;
  label: string;
  created: Date;
}

export interface SandboxFactor {
  id: string;
  factorType: 'push' | 'token:software:totp' | 'sms' | 'webauthn' | 'email';
  provider: string;
  created: Date;
}

export interface SandboxGrant {
  id: string;
  clientId: string;
  scopeId: string;
  created: Date;
}

export interface SandboxRefreshToken {
  id: string;
  userId: string;
  clientId: string;
  /** The token a client holds; never leaves the sandbox except to the test that seeded it. */
  value: string;
  scopes: string[];
  created: Date;
  revoked: boolean;
}

export interface SandboxApiToken {
  id: string;
  name: string;
  userId: string;
  clientName: string;
  value: string;
  created: Date;
  /** Okta API tokens expire after `tokenWindow` without use; each use moves expiresAt. */
  lastUsed: Date;
  tokenWindowDays: number;
}

export interface SandboxSession {
  id: string;
  userId: string;
  created: Date;
}

export interface LogEntry {
  uuid: string;
  published: Date;
  eventType: string;
  displayMessage: string;
  actor: { id: string; type: string; alternateId: string; displayName: string };
  target: Array<{ id: string; type: string; alternateId: string; displayName: string }>;
  outcome: { result: 'SUCCESS' | 'FAILURE' | 'DENY'; reason?: string };
}

export interface ServiceApp {
  clientId: string;
  /** PEM public key the app's private-key JWTs are checked with. */
  publicKey: string;
  scopes: string[];
}

export interface SandboxClient {
  clientId: string;
  name: string;
}

const OKTA_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An id in Okta's shape: a three-character prefix (00u users, 00g groups, 0oa apps...) and 17 characters. */
export function oktaId(prefix: string): string {
  const bytes = randomBytes(17);
  return prefix + [...bytes].map((b) => OKTA_ID_ALPHABET[b % OKTA_ID_ALPHABET.length]).join('');
}

/** Everything one sandboxed Okta org holds. */
export class OktaState {
  users = new Map<string, SandboxUser>();
  groups = new Map<string, SandboxGroup>();
  apps = new Map<string, SandboxApp>();
  clients = new Map<string, SandboxClient>();
  roles = new Map<string, SandboxRole[]>();
  factors = new Map<string, SandboxFactor[]>();
  grants = new Map<string, SandboxGrant[]>();
  refreshTokens: SandboxRefreshToken[] = [];
  apiTokens: SandboxApiToken[] = [];
  sessions: SandboxSession[] = [];
  logs: LogEntry[] = [];
  serviceApps = new Map<string, ServiceApp>();
  accessTokens = new Map<string, { clientId: string; scopes: string[]; expires: number }>();

  /** By id, or by login (case-insensitive), as Okta resolves `/api/v1/users/{userId}`. */
  user(idOrLogin: string): SandboxUser | undefined {
    const byId = this.users.get(idOrLogin);
    if (byId) return byId;
    const lower = idOrLogin.toLowerCase();
    return [...this.users.values()].find((u) => u.login.toLowerCase() === lower);
  }

  addUser(login: string, options: Partial<Pick<SandboxUser, 'status' | 'lastLogin' | 'firstName' | 'lastName'>> = {}): SandboxUser {
    const now = new Date();
    const [first = 'Okta', last = 'User'] = login.split('@')[0]!.split('.');
    const user: SandboxUser = { id: oktaId('00u'), login, firstName: options.firstName ?? first, lastName: options.lastName ?? last, status: options.status ?? 'ACTIVE', created: now, statusChanged: now, lastLogin: options.lastLogin ?? null };
    this.users.set(user.id, user);
    return user;
  }

  addApiToken(userId: string, name: string, options: { clientName?: string; lastUsed?: Date } = {}): SandboxApiToken {
    const token: SandboxApiToken = { id: oktaId('00T'), name, userId, clientName: options.clientName ?? 'Okta API', value: `00${randomBytes(20).toString('base64url')}`, created: new Date(), lastUsed: options.lastUsed ?? new Date(), tokenWindowDays: 30 };
    this.apiTokens.push(token);
    return token;
  }

  /** A sign-in: a session when the user may sign in, and a System Log event either way. */
  signIn(user: SandboxUser): SandboxSession | undefined {
    const allowed = user.status === 'ACTIVE';
    this.log('user.session.start', user, [], allowed ? 'SUCCESS' : 'FAILURE', allowed ? 'User login to Okta' : `User login to Okta failed: ${user.status}`);
    if (!allowed) return undefined;
    user.lastLogin = new Date();
    const session: SandboxSession = { id: `102${randomBytes(16).toString('base64url')}`, userId: user.id, created: new Date() };
    this.sessions.push(session);
    return session;
  }

  log(eventType: string, actor: SandboxUser | { id: string; login: string; type?: string }, targets: SandboxUser[], result: LogEntry['outcome']['result'], displayMessage: string): void {
    const person = (u: { id: string; login: string }) => ({ id: u.id, type: 'User', alternateId: u.login, displayName: u.login });
    this.logs.push({ uuid: randomUUID(), published: new Date(), eventType, displayMessage, actor: { ...person(actor), type: 'type' in actor && actor.type ? actor.type : 'User' }, target: targets.map(person), outcome: { result } });
  }

  /** Everything a deactivated (or deleted) user held goes: Okta's own deactivation semantics. */
  clearAccessOf(userId: string): void {
    this.sessions = this.sessions.filter((s) => s.userId !== userId);
    for (const token of this.refreshTokens) if (token.userId === userId) token.revoked = true;
    this.apiTokens = this.apiTokens.filter((t) => t.userId !== userId);
    this.grants.delete(userId);
    for (const group of this.groups.values()) if (group.type !== 'BUILT_IN') group.members.delete(userId);
    for (const app of this.apps.values()) if (app.assignments.delete(userId) && app.provisioning) app.deprovisioned.push(userId);
    this.roles.delete(userId);
  }
}
