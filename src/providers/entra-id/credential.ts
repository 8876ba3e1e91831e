import { readOwnerOnlyFile } from '../owner-only-file.js';
import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext } from '../types.js';
import type { EntraConfig } from './config.js';

/** The tenant's credential, its first Graph token on the way. */
export interface EntraCredential {
  credential: TokenCredential;
  /** The Graph token scope ("<graph>/.default") and the Graph the tenant uses. */
  scope: string;
  graphUrl: string;
  /** The first Graph access token; rejects with the worded InvalidInputError. */
  token: Promise<string>;
}

/**
 * Asks the Microsoft identity platform for a Graph token with a credential from @azure/identity,
 * and returns without waiting for it. This module loads only @azure/identity, so the token
 * requests leave before the Graph client has loaded; it loads while they are on their way.
 */
export function askEntraToken(config: EntraConfig, context: ConnectContext): EntraCredential {
  const { env, instance } = context;
  const graphUrl = (config.graphUrl ?? env.REVOKE_GRAPH_URL ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const { credential, how } = credentialFor(config, env, instance);
  // National clouds have their own Graph (graph.microsoft.us...); anything else (a sandbox) uses the global audience.
  const scope = `${/^https:\/\/(graph\.microsoft\.[a-z]+|dod-graph\.microsoft\.us|microsoftgraph\.chinacloudapi\.cn)$/.test(graphUrl) ? graphUrl : 'https://graph.microsoft.com'}/.default`;
  const token = credential.getToken(scope).then(
    (answer) => answer?.token ?? '',
    (error: unknown) => {
      const text = credentialErrorText(error);
      // MSAL could not read the tenant's OpenID configuration: unreachable, untrusted TLS, or no such tenant.
      if (text.includes('endpoints_resolution_error')) {
        throw new InvalidInputError(
          `cannot reach the Microsoft identity platform at ${authorityOf(config, env)} for the tenant of provider ${instance} (MSAL endpoints_resolution_error)`,
          'check tenantId/AZURE_TENANT_ID, authorityHost/AZURE_AUTHORITY_HOST and the network; behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA',
        );
      }
      throw new InvalidInputError(`Microsoft Entra refused the credentials of provider ${instance} (${how}): ${text}`, 'check the tenant, the client id and the secret, certificate or federated credential (expired, rotated, another subject?)');
    },
  );
  // Awaited by connect once the Graph client has loaded; a refusal before then is not unhandled.
  token.catch(() => undefined);
  return { credential, scope, graphUrl, token };
}

const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
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
