import { z } from 'zod';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');

/** A provider instance of type okta: one Okta org. Secrets never come from here. */
export const oktaConfigSchema = z.strictObject({
  orgUrl: z
    .url()
    .optional()
    .describe('The org, e.g. https://acme.okta.com (default OKTA_ORG_URL). http:// is accepted only for loopback addresses (the sandbox).'),
  tokenEnv: envName.optional().describe('Environment variable holding an SSWS API token (default OKTA_API_TOKEN).'),
  oauth: z
    .strictObject({
      clientId: z.string().min(1).describe('The service app client id.'),
      keyId: z.string().optional().describe('kid of the public key registered on the app (when it has several).'),
      privateKeyFile: z.string().optional().describe('PEM private key (chmod 600).'),
      privateKeyEnv: envName.optional().describe('Environment variable holding the PEM private key.'),
      scopes: z
        .array(z.string().regex(/^okta\.[A-Za-z]+\.(read|manage)$/, 'must be an Okta scope like okta.users.manage'))
        .optional()
        .describe('Scopes to request (default: the six every kind needs; add okta.universalLogout.manage for universalLogout).'),
    })
    .refine((oauth) => Boolean(oauth.privateKeyFile) !== Boolean(oauth.privateKeyEnv), 'give exactly one of privateKeyFile or privateKeyEnv')
    .optional()
    .describe('Authenticate as an OAuth 2.0 service app with a private-key JWT instead of an API token.'),
  domains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain name'))
    .optional()
    .describe('Only users whose login ends in one of these domains may be revoked (a typo guard).'),
  concurrency: z.number().int().min(1).max(50).optional().describe('Requests in flight at once against this org (default 4).'),
  maxRetries: z.number().int().min(0).max(10).optional().describe('Retries of a throttled (429) or failed (5xx) request (default 4).'),
});

export type OktaConfig = z.infer<typeof oktaConfigSchema>;

export const oktaStepOptionsSchema = z.object({
  universalLogout: z.boolean().optional().describe('sessions: also POST /oauth2/v1/global-token-revocation (apps that support Universal Logout).'),
  resetFactors: z.boolean().optional().describe('factors: reset enrolled factors in disable mode too (always in delete mode).'),
  allowSuperAdmin: z.boolean().optional().describe('admin-roles, suspend, user: allow revoking a super admin (never the last one).'),
});
