import type { GitHubSandbox } from './github/server.js';
import { seedGitHubUser } from './github/seed.js';
import type { IamSandbox } from './iam/server.js';
import { FULL_USER, sandboxIamClient, seedUser } from './iam/seed.js';

/** What a departing engineer holds in the GitHub sandbox: the same for the demo and `revoke sandbox`. */
export const DEPARTING_GITHUB_USER = {
  role: 'member' as const,
  teams: ['platform', 'oncall'],
  ssoCredentials: 2,
  patGrants: 1,
  codespaces: ['api'],
  copilot: true,
  repoCollaborator: ['infra'],
};

/** The identities the demo runbook protects; seeded so a run can show they stay untouched. */
export const PROTECTED = { aws: 'break-glass-admin', github: 'org-owner-bot' } as const;

/** Gives each person a full set of IAM credentials and GitHub access in org `org`, plus the protected identities. */
export async function seedDepartingPeople(iamSandbox: IamSandbox, github: GitHubSandbox, org: string, people: string[]): Promise<void> {
  const iam = sandboxIamClient(iamSandbox);
  for (const person of people) {
    await seedUser(iam, person, FULL_USER);
    seedGitHubUser(github, org, { login: person, ...DEPARTING_GITHUB_USER });
  }
  if (!iamSandbox.state.users.has(PROTECTED.aws)) await seedUser(iam, PROTECTED.aws, { accessKeys: 1 });
}
