import type { GitHubSandbox } from './server.js';

export interface GitHubDepartingUser {
  login: string;
  role?: 'admin' | 'member';
  teams?: string[];
  ssoCredentials?: number;
  patGrants?: number;
  patRequests?: number;
  codespaces?: string[];
  copilot?: boolean | { team: string };
  invitation?: boolean;
  outsideCollaborator?: string[];
  repoCollaborator?: string[];
}

/**
 * Lays out an organization in the GitHub sandbox's state directly: much of it (SSO
 * authorizations, token grants, codespaces) has no API to create it. Returns the operator's token.
 */
export function seedOrg(sandbox: GitHubSandbox, options: { org: string; operator: string; owners?: string[]; repos?: string[]; samlSso?: boolean; operatorScopes?: string[] }): string {
  const { state } = sandbox;
  const org = state.createOrg(options.org, { samlSso: options.samlSso ?? true });
  for (const owner of [options.operator, ...(options.owners ?? [])]) {
    state.user(owner);
    org.members.set(owner, { role: 'admin' });
  }
  for (const repo of options.repos ?? ['api', 'web', 'infra']) org.repos.set(repo, { id: state.id(), private: true, collaborators: new Map() });
  return state.addToken(options.operator, options.operatorScopes ?? ['admin:org', 'repo', 'manage_billing:copilot', 'codespace']);
}

export function seedGitHubUser(sandbox: GitHubSandbox, orgLogin: string, spec: GitHubDepartingUser): void {
  const { state } = sandbox;
  const org = state.orgs.get(orgLogin)!;
  const { login } = spec;
  state.user(login);
  if (spec.role) org.members.set(login, { role: spec.role });
  for (const slug of spec.teams ?? []) {
    if (!org.teams.has(slug)) org.teams.set(slug, { id: state.id(), members: new Set() });
    org.teams.get(slug)!.members.add(login);
  }
  for (let i = 0; i < (spec.ssoCredentials ?? 0); i++) {
    org.credentialAuthorizations.push({ credential_id: state.id(), login, credential_type: i % 2 ? 'SSH key' : 'personal access token', authorized: new Date('2026-01-15T09:00:00Z'), ...(i % 2 ? {} : { token_last_eight: `a1b2c3d${i}` }) });
  }
  for (let i = 0; i < (spec.patGrants ?? 0); i++) org.patGrants.push({ id: state.id(), owner: login, token_id: state.id(), token_name: `${login}-automation-${i + 1}`, granted: new Date('2026-03-01T10:00:00Z') });
  for (let i = 0; i < (spec.patRequests ?? 0); i++) org.patRequests.push({ id: state.id(), owner: login, token_id: state.id(), token_name: `${login}-request-${i + 1}`, created: new Date('2026-11-20T10:00:00Z'), reason: 'deploy scripts' });
  for (const repo of spec.codespaces ?? []) org.codespaces.push({ id: state.id(), name: `${login}-${repo}-${state.id()}`, owner: login, state: 'Available', repo, created: new Date('2026-11-01T08:00:00Z') });
  if (spec.copilot) org.copilotSeats.set(login, { created: new Date('2026-02-01T00:00:00Z'), ...(typeof spec.copilot === 'object' ? { assigningTeam: spec.copilot.team } : {}) });
  if (spec.invitation) org.invitations.push({ id: state.id(), login, email: null, role: 'direct_member', created: new Date('2026-11-25T12:00:00Z'), inviter: [...org.members.keys()][0]! });
  for (const repo of spec.outsideCollaborator ?? []) {
    org.outsideCollaborators.add(login);
    org.repos.get(repo)?.collaborators.set(login, 'write');
  }
  for (const repo of spec.repoCollaborator ?? []) org.repos.get(repo)?.collaborators.set(login, 'admin');
}

/**
 * The GitHub settings a revoke run needs to work on the sandbox: they replace every GITHUB_* and
 * GH_* variable of `base`, so a run meant for the sandbox can never reach github.com.
 */
export function githubSandboxEnvironment(sandbox: GitHubSandbox, token: string, base: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(base).filter(([key]) => !key.startsWith('GITHUB_') && !key.startsWith('GH_'))),
    GITHUB_TOKEN: token,
    GITHUB_API_URL: sandbox.url,
  };
}
