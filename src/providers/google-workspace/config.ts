import { z } from 'zod';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');
const domainName = z.string().regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, 'must be a lower-case DNS domain like acme.example');

/** A provider instance of type google-workspace: one Google Workspace customer. Secrets never come from here. */
export const googleConfigSchema = z.strictObject({
  domain: domainName.describe('The primary domain; only users of this domain (and of `domains`) are ever touched.'),
  domains: z.array(domainName).optional().describe('Other domains of the same customer whose users may be revoked.'),
  subject: z.email().describe('The admin the service account impersonates (domain-wide delegation); never revoked by this runbook (self-lockout guard).'),
  customer: z
    .string()
    .regex(/^(my_customer|C[0-9a-z]{5,})$/, 'must be my_customer or a customer id like C01abc23d')
    .optional()
    .describe('Customer id (default my_customer: the customer of the impersonated admin).'),
  keyFile: z.string().optional().describe('Service account key file (JSON); refused if group- or world-readable.'),
  keyEnv: envName.optional().describe('Environment variable holding the service account key JSON.'),
  scopes: z.array(z.url()).optional().describe('OAuth scopes to ask for (default: every scope the provider can use; see `revoke providers google-workspace`).'),
  rootUrl: z.url().optional().describe('Admin SDK root URL (default https://admin.googleapis.com/, or GOOGLE_WORKSPACE_API_URL).'),
  tokenUrl: z.url().optional().describe('OAuth2 token endpoint (default https://oauth2.googleapis.com/token, or GOOGLE_WORKSPACE_TOKEN_URL).'),
  writeIntervalMs: z.number().int().min(0).max(60_000).optional().describe('Pause between write requests to this domain once the first writeBurst have gone out, shared by every step (default 100); 0: no pacing, writes go out together.'),
  writeBurst: z.number().int().min(1).max(50).optional().describe('Writes to this domain that may go out at once before the pause applies, one more per writeIntervalMs (default 5: a containment is not held up).'),
  maxRetries: z.number().int().min(0).max(20).optional().describe('Retries of a call on 429, 403 rate-limit reasons and 5xx (default 6).'),
  retryDelayMs: z.number().int().min(0).max(60_000).optional().describe('First backoff delay when Google sends no Retry-After (default 1000; doubles, with jitter).'),
  transferPollMs: z.number().int().min(1).max(600_000).optional().describe('data-transfer: how often to poll a transfer (default 5000).'),
  transferTimeoutMs: z.number().int().min(1).max(86_400_000).optional().describe('data-transfer: give up waiting after this long (default 30 min).'),
}).refine((config) => !(config.keyFile && config.keyEnv), 'give at most one of keyFile or keyEnv (neither: Application Default Credentials)');

export type GoogleConfig = z.infer<typeof googleConfigSchema>;

export const googleStepOptionsSchema = z.object({
  allowSuperAdmin: z.boolean().optional().describe('Allow revoking a super admin (refused otherwise).'),
  transferTo: z.email().optional().describe('data-transfer: the user who receives Drive and Calendar data before delete.'),
  wipe: z.enum(['account', 'device']).optional().describe('mobile-devices: wipe the work account only (default) or the whole device.'),
});
