import { z } from 'zod';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');

/** A provider instance of type entra-id: one Microsoft Entra tenant. Secrets never come from here. */
export const entraConfigSchema = z.strictObject({
  tenantId: z
    .string()
    .regex(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/i, 'must be a tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com')
    .optional()
    .describe('The tenant (directory) id or a verified domain (default AZURE_TENANT_ID).'),
  clientId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be an application (client) id, a GUID')
    .optional()
    .describe('The app registration revoke authenticates as (default AZURE_CLIENT_ID).'),
  auth: z
    .enum(['secret', 'certificate', 'default'])
    .optional()
    .describe('secret: client secret from clientSecretEnv; certificate: certificateFile; default: DefaultAzureCredential (workload identity federation in CI, managed identity, Azure CLI). Default: certificate if certificateFile is set, else secret.'),
  clientSecretEnv: envName.optional().describe('Environment variable holding the client secret (default AZURE_CLIENT_SECRET).'),
  certificateFile: z.string().min(1).optional().describe('PEM file with the certificate and its private key (must not be readable by group or others).'),
  authorityHost: z.url().optional().describe('Microsoft identity platform host (default AZURE_AUTHORITY_HOST, else https://login.microsoftonline.com; national clouds differ).'),
  graphUrl: z.url().optional().describe('Microsoft Graph root (default REVOKE_GRAPH_URL, else https://graph.microsoft.com).'),
});

export type EntraConfig = z.infer<typeof entraConfigSchema>;

export const entraStepOptionsSchema = z.object({
  allowGlobalAdmin: z.boolean().optional().describe('directory-roles: allow removing a Global Administrator assignment (never the last one).'),
});
