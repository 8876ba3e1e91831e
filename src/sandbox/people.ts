import type { GitHubSandbox } from './github/server.js';
import { seedGitHubUser } from './github/seed.js';
import type { GoogleSandbox } from './google/server.js';
import { seedGoogleUser } from './google/seed.js';
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

/** What a departing engineer holds in the Google Workspace sandbox. */
export const DEPARTING_GOOGLE_USER = {
  lastLoginMinutesAgo: 20,
  oauthApps: [
    { clientId: '1234567890-slack.apps.googleusercontent.com', name: 'Slack', scopes: ['https://www.googleapis.com/auth/calendar.readonly'] },
    { clientId: '1234567891-zoom.apps.googleusercontent.com', name: 'Zoom', scopes: ['https://www.googleapis.com/auth/calendar'] },
  ],
  appPasswords: [{ name: 'Thunderbird' }],
  backupCodes: 10,
};

/** The Workspace domain of the demo runbook: a person's address is <name>@SANDBOX_DOMAIN. */
export const SANDBOX_DOMAIN = 'acme.example';

/** The identities the demo runbook protects; seeded so a run can show they stay untouched. */
export const PROTECTED = { aws: 'break-glass-admin', github: 'org-owner-bot' } as const;

/**
 * Gives each person a full set of IAM credentials, GitHub access in org `org` and (with a Google
 * sandbox whose customer is seeded) a Workspace account, plus the protected identities.
 */
export async function seedDepartingPeople(sandboxes: { iam: IamSandbox; github: GitHubSandbox; google?: GoogleSandbox }, org: string, people: string[]): Promise<void> {
  const { iam: iamSandbox, github, google } = sandboxes;
  const iam = sandboxIamClient(iamSandbox);
  for (const person of people) {
    await seedUser(iam, person, FULL_USER);
    seedGitHubUser(github, org, { login: person, ...DEPARTING_GITHUB_USER });
    if (google) seedGoogleUser(google, { email: `${person}@${SANDBOX_DOMAIN}`, ...DEPARTING_GOOGLE_USER });
  }
  if (!iamSandbox.state.users.has(PROTECTED.aws)) await seedUser(iam, PROTECTED.aws, { accessKeys: 1 });
}
