import { z } from 'zod';

/** A provider instance of type github: one organization. Secrets never come from here. */
export const githubConfigSchema = z.strictObject({
  org: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub organization login').describe('The organization to revoke access to.'),
  baseUrl: z.url().optional().describe('API URL for GitHub Enterprise Server, e.g. https://github.example.com/api/v3 (default api.github.com, or GITHUB_API_URL).'),
  tokenEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional()
    .describe('Environment variable holding the token (default GITHUB_TOKEN, then GH_TOKEN).'),
  app: z
    .strictObject({
      appId: z.number().int().positive(),
      installationId: z.number().int().positive(),
      privateKeyFile: z.string().optional(),
      privateKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(),
    })
    .refine((app) => Boolean(app.privateKeyFile) !== Boolean(app.privateKeyEnv), 'give exactly one of privateKeyFile or privateKeyEnv')
    .optional()
    .describe('Authenticate as a GitHub App installation instead of a token (needed for pat-grants).'),
  writeIntervalMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .optional()
    .describe('Pause between write requests once the first writeBurst have gone out (GitHub asks for at least 1000 ms when there are many writes, to avoid secondary rate limits; default 1000); 0: no pacing.'),
  writeBurst: z.number().int().min(1).max(20).optional().describe('Writes that may go out at once before the pause applies, one more per writeIntervalMs (default 5: a containment of a few SSO authorizations is not held up).'),
  perPage: z.number().int().min(1).max(100).optional().describe('Items per page of list calls (default 100).'),
  rateLimitWaitSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .optional()
    .describe("How long a request may wait for GitHub's hourly rate limit to reset (default 60); a later reset fails it at once, naming the time: run again after it. A nightly audit may allow 3600."),
});

export type GitHubConfig = z.infer<typeof githubConfigSchema>;

export const githubStepOptionsSchema = z.object({
  repos: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a repository name')).optional().describe('repo-collaborator: the repositories to check.'),
  scanRepos: z.boolean().optional().describe('repo-collaborator: check every repository of the org (one or more requests per repository).'),
  email: z.string().email().optional().describe('invitations: also cancel pending invitations sent to this email address.'),
});
