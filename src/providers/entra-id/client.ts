import { AuthenticationHandler, BatchRequestContent, Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/lib/es/src/authentication/azureTokenCredentials/TokenCredentialAuthenticationProvider.js';
import { InvalidInputError } from '../../errors.js';
import { addRetries } from '../retry-count.js';
import type { ConnectContext, Connection } from '../types.js';
import type { EntraConfig } from './config.js';
import { tokenClaims, type EntraCredential } from './credential.js';
import { graphApi } from './graph-api.js';
import { cachedGraphReads, entraErrorText, readUser, statusOf, type EntraContext } from './kind.js';
import { globalAdministrators } from './kinds/directory-roles.js';


const MAX_RETRIES = 5;

// `revoke drill`'s canary reads these from here.
export { authorityOf, tokenClaims } from './credential.js';

/**
 * Connects to one tenant: the credential `asked` holds (its first token on the way), Microsoft
 * Graph through the maintained Graph client (retries 429/503/504 honouring Retry-After), and a
 * first read of the organization so bad credentials stop the run (exit 2) before anything changes.
 */
export async function connectEntra(config: EntraConfig, context: ConnectContext, asked: EntraCredential): Promise<Connection<EntraContext>> {
  const { env, instance } = context;
  const { credential, scope, graphUrl } = asked;
  const retryOptions = new RetryHandlerOptions(1, MAX_RETRIES, () => {
    addRetries();
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
  const token = await asked.token;
  // A run's people are read now, beside the organization (read-only, into the run's read cache):
  // the guard's read of the person need not wait for connect's round trip.
  const readCache = context.users ? cachedGraphReads(graph) : undefined;
  for (const user of readCache ? (context.users ?? []) : []) readUser(readCache!, user).catch(() => undefined);
  // Containment's Global Administrator check needs only the role's holders: asked now, beside the person.
  if (readCache && context.kinds?.includes('directory-roles')) globalAdministrators(readCache).catch(() => undefined);
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
      ...(readCache ? { readCache } : {}),
    },
    actor: selfUser ? `${selfUser} (delegated) in ${tenantName}` : `app ${claims.appid ?? config.clientId ?? env.AZURE_CLIENT_ID ?? '?'} in ${tenantName}`,
    ...(selfUser ? { selfUser } : {}),
  };
}

