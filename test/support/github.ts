import { builtinRegistry } from '../../src/providers/builtin.js';
import { seedGitHubUser, seedOrg, type GitHubDepartingUser } from '../../src/sandbox/github/seed.js';
import { startGitHubSandbox, type Exchange, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { runCli, writeTemp } from './cli.js';
import { specViolations } from './openapi.js';
import { specCheckedSandboxes } from './after-each-test.js';

export const EVERYTHING: Omit<GitHubDepartingUser, 'login'> = {
  role: 'member',
  teams: ['platform', 'oncall'],
  ssoCredentials: 2,
  patGrants: 1,
  patRequests: 1,
  codespaces: ['api'],
  copilot: true,
  invitation: false,
  repoCollaborator: ['infra'],
};

export interface GitHubWorld {
  sandbox: GitHubSandbox;
  token: string;
  revoke(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; scratch: string; exchanges: Exchange[] }>;
}

/** Every exchange of every sandbox a test opened must match GitHub's OpenAPI description. */
const open = specCheckedSandboxes<Exchange, GitHubSandbox>(specViolations);

export async function githubWorld(options: Parameters<typeof startGitHubSandbox>[0] & { operatorScopes?: string[] } = {}): Promise<GitHubWorld> {
  const sandbox = await startGitHubSandbox(options);
  open.push(sandbox);
  const token = seedOrg(sandbox, { org: 'acme', operator: 'revoke-bot', owners: ['ceo'], ...(options.operatorScopes ? { operatorScopes: options.operatorScopes } : {}) });
  return {
    sandbox,
    token,
    revoke: async (args, env = {}) => {
      const before = sandbox.exchanges.length;
      const started = performance.now();
      const result = await runCli(args, builtinRegistry(), { env: { GITHUB_TOKEN: token, GITHUB_API_URL: sandbox.url, ...env } });
      // In process, an earlier run's unawaited read (connect's prefetch of a person it then refused) may land later: not this run's.
      return { ...result, exchanges: sandbox.exchanges.slice(before).filter((e) => e.startedAt >= started) };
    },
  };
}

export function seedUser(world: GitHubWorld, login: string, spec: Omit<GitHubDepartingUser, 'login'> = EVERYTHING): void {
  seedGitHubUser(world.sandbox, 'acme', { login, ...spec });
}

export function githubRunbook(extraProvider = '', extraStep = '', edit: (text: string) => string = (text) => text): string {
  return writeTemp(
    'github.yaml',
    edit(`version: 1
name: github-test
providers:
  gh:
    type: github
    org: acme
    writeIntervalMs: 0${extraProvider}
protect:
  gh: [ceo]
steps:
  - id: gh-credentials
    provider: gh
    user: "{{user}}"
    revoke: [sso-authorizations, pat-grants, codespaces, copilot-seat]
  - id: gh-membership
    provider: gh
    user: "{{user}}"
    revoke: [invitations, outside-collaborator, repo-collaborator, org-membership]
    scanRepos: true${extraStep}
    dependsOn: [gh-credentials]
`),
  );
}
