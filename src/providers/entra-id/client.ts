import { readOwnerOnlyFile } from '../owner-only-file.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { AuthenticationHandler, BatchRequestContent, Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/lib/es/src/authentication/azureTokenCredentials/TokenCredentialAuthenticationProvider.js';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext, Connection } from '../types.js';
import type { EntraConfig } from './config.js';
import { graphApi } from './graph-api.js';
import { entraErrorText, statusOf, type EntraContext } from './kind.js';

/** Counts Graph retries (429/503/504 honouring Retry-After) made for one finding's revoke. */
export const graphRetries = new AsyncLocalStorage<{ retries: number }>();

const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
const MAX_RETRIES = 5;

export const authorityOf = (config: EntraConfig, env: NodeJS.ProcessEnv) => config.authorityHost ?? env.AZURE_AUTHORITY_HOST ?? PUBLIC_AUTHORITY;

function credentialFor(config: EntraConfig, env: NodeJS.ProcessEnv, instance: string): { credential: TokenCredential; how: string } {
  const tenantId = config.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = config.clientId ?? env.AZURE_CLIENT_ID;
  const authorityHost = authorityOf(config, env);
  // Instance discovery asks login.microsoftonline.com about the authority: only for Microsoft's own hosts.
  const options = { authorityHost, disableInstanceDiscovery: !/^https:\/\/login\.(microsoftonline|partner\.microsoftonline|microsoftonline\.us)\./.test(authorityHost) };
  const auth = config.auth ?? (config.certificateFile ? 'certificate' : 'secret');
  if (auth === 'default') {
    // The chain reads the rest (AZURE_FEDERATED_TOKEN_FILE, managed identity, Azure CLI) from the process environment.
    const credential = new DefaultAzureCredential({ ...options, ...(tenantId ? { tenantId } : {}), ...(clientId ? { workloadIdentityClientId: clientId } : {}) });
    return { credential, how: 'DefaultAzureCredential' };
  }
  if (!tenantId) throw new InvalidInputError(`no tenant for provider ${instance}`, 'set tenantId: on the provider or export AZURE_TENANT_ID');
  if (!clientId) throw new InvalidInputError(`no application (client) id for provider ${instance}`, 'set clientId: on the provider or export AZURE_CLIENT_ID');
  if (auth === 'certificate') {
    const file = config.certificateFile ?? env.AZURE_CLIENT_CERTIFICATE_PATH;
    if (!file) throw new InvalidInputError(`auth: certificate on provider ${instance} needs a certificate file`, 'set certificateFile: to a PEM holding the certificate and its private key');
    const certificate = readOwnerOnlyFile(file, {
      missing: `certificate file ${file} of provider ${instance} does not exist`,
      missingFix: 'check certificateFile:',
      readable: `certificate file ${file} of provider ${instance} can be read by group or others; refusing to use it`,
    });
    return { credential: new ClientCertificateCredential(tenantId, clientId, { certificate }, options), how: `certificate ${file}` };
  }
  const secretEnv = config.clientSecretEnv ?? 'AZURE_CLIENT_SECRET';
  const secret = env[secretEnv];
  if (!secret) throw new InvalidInputError(`no client secret for provider ${instance}: ${secretEnv} is not set`, `export ${secretEnv}=<client secret of app ${clientId}>, or use certificateFile: / auth: default`);
  return { credential: new ClientSecretCredential(tenantId, clientId, secret, options), how: 'client secret' };
}

/**
 * One line for a failed token request. DefaultAzureCredential tries several credentials and
 * reports them all: keep the ones that were tried and failed, not the ones that were unavailable.
 */
function credentialErrorText(error: unknown): string {
  const tried = ((error as { errors?: Error[] }).errors ?? [error as Error]).filter((e) => e?.name !== 'CredentialUnavailableError');
  const lines = (tried.length > 0 ? tried : [error as Error]).map((e) => {
    const message = String(e?.message ?? e);
    // MSAL puts the identity platform's answer (AADSTS code and text) after the summary line.
    const aadsts = /AADSTS\d+:[^\n]*?(?=\s*Trace ID:|\n|$)/.exec(message)?.[0];
    return aadsts ?? message.split('\n')[0]!.trim();
  });
  return lines.join('; ');
}

/** Claims of the Graph access token (not verified here: Graph verifies it); who the CLI is. */
export function tokenClaims(token: string): { appid?: string; upn?: string; oid?: string; idtyp?: string; scp?: string } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/**
 * Connects to one tenant: a credential from @azure/identity, Microsoft Graph through the
 * maintained Graph client (retries 429/503/504 honouring Retry-After), and a first read of the
 * organization so bad credentials stop the run (exit 2) before anything changes.
 */
export async function connectEntra(config: EntraConfig, context: ConnectContext): Promise<Connection<EntraContext>> {
  const { env, instance } = context;
  const graphUrl = (config.graphUrl ?? env.REVOKE_GRAPH_URL ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const { credential, how } = credentialFor(config, env, instance);
  // National clouds have their own Graph (graph.microsoft.us...); anything else (a sandbox) uses the global audience.
  const scope = `${/^https:\/\/(graph\.microsoft\.[a-z]+|dod-graph\.microsoft\.us|microsoftgraph\.chinacloudapi\.cn)$/.test(graphUrl) ? graphUrl : 'https://graph.microsoft.com'}/.default`;
  let token: string;
  try {
    token = (await credential.getToken(scope))?.token ?? '';
  } catch (error) {
    const text = credentialErrorText(error);
    // MSAL could not read the tenant's OpenID configuration: unreachable, untrusted TLS, or no such tenant.
    if (text.includes('endpoints_resolution_error')) {
      throw new InvalidInputError(
        `cannot reach the Microsoft identity platform at ${authorityOf(config, env)} for the tenant of provider ${instance} (MSAL endpoints_resolution_error)`,
        'check tenantId/AZURE_TENANT_ID, authorityHost/AZURE_AUTHORITY_HOST and the network; behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA',
      );
    }
    throw new InvalidInputError(`Microsoft Entra refused the credentials of provider ${instance} (${how}): ${text}`, 'check the tenant, the client id and the secret, certificate or federated credential (expired, rotated, another subject?)');
  }
  const retryOptions = new RetryHandlerOptions(1, MAX_RETRIES, () => {
    const store = graphRetries.getStore();
    if (store) store.retries += 1;
    return true;
  });
  const client = Client.initWithMiddleware({
    baseUrl: graphUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(graphUrl).hostname]),
    // The default chain with our retry options (the client links them in this order).
    middleware: [new AuthenticationHandler(new TokenCredentialAuthenticationProvider(credential, { scopes: [scope] })), new RetryHandler(retryOptions), new HTTPMessageHandler()],
  });
  const graph = graphApi(client, BatchRequestContent);
  let organization: { id: string; displayName?: string; verifiedDomains?: Array<{ name: string }> };
  try {
    organization = (await graph.get<{ value: Array<typeof organization> }>('/organization?$select=id,displayName,verifiedDomains')).value[0]!;
  } catch (error) {
    if (statusOf(error) === 401 || statusOf(error) === 403) throw new InvalidInputError(`Microsoft Graph refused provider ${instance}: ${entraErrorText(error)}`, 'grant the app the permissions `revoke providers entra-id` lists, with admin consent');
    throw new InvalidInputError(`cannot reach Microsoft Graph for provider ${instance}: ${entraErrorText(error)}`, `check graphUrl/REVOKE_GRAPH_URL (now ${graphUrl}) and the network; behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA`);
  }
  const claims = tokenClaims(token);
  // An app has no user to lock out; a signed-in person (delegated token) must not revoke themselves.
  const selfUser = claims.idtyp === 'user' || claims.scp ? claims.upn : undefined;
  const tenantName = organization.displayName ?? organization.id;
  return {
    client: {
      graph,
      tenantId: organization.id,
      tenantName,
      domains: (organization.verifiedDomains ?? []).map((d) => d.name.toLowerCase()),
      ...(selfUser && claims.oid ? { self: { upn: selfUser, objectId: claims.oid } } : {}),
    },
    actor: selfUser ? `${selfUser} (delegated) in ${tenantName}` : `app ${claims.appid ?? config.clientId ?? env.AZURE_CLIENT_ID ?? '?'} in ${tenantName}`,
    ...(selfUser ? { selfUser } : {}),
  };
}

