import type { KeyObject } from 'node:crypto';

export type OrgRole = 'admin' | 'member';

export interface Org {
  login: string;
  id: number;
  created: Date;
  samlSso: boolean;
  /** GitHub Enterprise Cloud's audit log: what users' tokens did against the org. */
  auditLog: Array<{ id: string; actor: string; action: string; at: Date }> | undefined;
  members: Map<string, { role: OrgRole }>;
  teams: Map<string, { id: number; members: Set<string> }>;
  /** `teamIds`: the teams the invitee joins on accepting (POST /orgs/{org}/invitations team_ids). */
  invitations: Array<{ id: number; login: string | null; email: string | null; role: string; created: Date; inviter: string; teamIds?: number[] }>;
  outsideCollaborators: Set<string>;
  /** `invitations`: collaborator invitations the invitee has not accepted yet (PUT …/collaborators/{username} for a non-member). */
  repos: Map<string, { id: number; private: boolean; collaborators: Map<string, string>; invitations?: Array<{ id: number; login: string; permission: string; created: Date }> }>;
  credentialAuthorizations: Array<{ credential_id: number; login: string; credential_type: string; authorized: Date; accessed?: Date; token_last_eight?: string; scopes?: string[] }>;
  patGrants: Array<{ id: number; owner: string; token_id: number; token_name: string; granted: Date; lastUsed?: Date }>;
  patRequests: Array<{ id: number; owner: string; token_id: number; token_name: string; created: Date; reason: string | null }>;
  copilotSeats: Map<string, { created: Date; assigningTeam?: string }>;
  codespaces: Array<{ id: number; name: string; owner: string; state: string; repo: string; created: Date }>;
}

export interface AppRegistration {
  publicKey: KeyObject;
  installations: Map<number, { org: string; permissions: Record<string, 'read' | 'write'> }>;
}

/** Everything the GitHub sandbox knows: users, tokens, apps and organizations. */
export class GitHubState {
  readonly users = new Map<string, { id: number; created: Date }>();
  /** `sso`: the token reaches that org only through its SAML SSO credential authorization (see server.ts). */
  readonly tokens = new Map<string, { login: string; scopes: string[]; sso?: { org: string; credentialId: number } }>();
  readonly apps = new Map<number, AppRegistration>();
  readonly installationTokens = new Map<string, { appId: number; installationId: number; expires: Date }>();
  readonly orgs = new Map<string, Org>();
  private nextId = 1000;

  id(): number {
    return ++this.nextId;
  }

  user(login: string): { id: number; created: Date } {
    let user = this.users.get(login);
    if (!user) {
      user = { id: this.id(), created: new Date('2020-01-01T00:00:00Z') };
      this.users.set(login, user);
    }
    return user;
  }

  createOrg(login: string, options: { samlSso?: boolean; auditLog?: boolean } = {}): Org {
    const org: Org = {
      login,
      id: this.id(),
      created: new Date('2019-06-01T00:00:00Z'),
      samlSso: options.samlSso ?? true,
      auditLog: options.auditLog === false ? undefined : [],
      members: new Map(),
      teams: new Map(),
      invitations: [],
      outsideCollaborators: new Set(),
      repos: new Map(),
      credentialAuthorizations: [],
      patGrants: [],
      patRequests: [],
      copilotSeats: new Map(),
      codespaces: [],
    };
    this.orgs.set(login, org);
    return org;
  }

  addToken(login: string, scopes: string[], token = `ghp_sandbox${this.id()}${'x'.repeat(20)}`): string {
    this.user(login);
    this.tokens.set(token, { login, scopes });
    return token;
  }

  /**
   * A personal access token authorized for `org`'s SAML single sign-on (a credential
   * authorization the org lists): as on an org that enforces SAML SSO, the token reaches the
   * org's resources only while that authorization exists.
   */
  addSsoAuthorizedToken(login: string, org: string, scopes: string[]): string {
    const token = this.addToken(login, scopes);
    const credentialId = this.id();
    const organization = this.orgs.get(org);
    if (!organization) throw new Error(`no organization ${org}`);
    organization.credentialAuthorizations.push({ credential_id: credentialId, login, credential_type: 'personal access token', authorized: new Date(), token_last_eight: token.slice(-8), scopes });
    this.tokens.get(token)!.sso = { org, credentialId };
    return token;
  }
}
