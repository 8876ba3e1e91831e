import { InvalidInputError } from '../../errors.js';
import type { ConnectContext, Connection } from '../types.js';
import { serviceAppAuthorization, servicePrivateKey } from './auth.js';
import type { OktaConfig } from './config.js';
import { cachedOktaReads, OktaHttp } from './http.js';
import { findUser, oktaErrorText, statusOf, type OktaContext, type OktaUser } from './kind.js';
import { SERVICE_APP_SCOPES } from './scopes.js';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The org's origin; plain http only on loopback (the sandbox), never for a real org. */
function orgOrigin(config: OktaConfig, env: NodeJS.ProcessEnv, instance: string): string {
  const raw = config.orgUrl ?? env.OKTA_ORG_URL;
  if (!raw) throw new InvalidInputError(`no Okta org URL for provider ${instance}`, 'set orgUrl: https://<your-org>.okta.com on the provider, or export OKTA_ORG_URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(`the Okta org URL of provider ${instance} is not a URL: ${raw}`, 'use https://<your-org>.okta.com');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new InvalidInputError(`the Okta org URL of provider ${instance} must use https (${url.origin})`, 'use https://<your-org>.okta.com; plain http is accepted only for 127.0.0.1/localhost');
  }
  return url.origin;
}

function tokenFor(config: OktaConfig, env: NodeJS.ProcessEnv, instance: string): string {
  const name = config.tokenEnv ?? 'OKTA_API_TOKEN';
  const token = env[name];
  if (!token) throw new InvalidInputError(`no Okta API token for provider ${instance}: ${name} is not set`, `export ${name}=<SSWS API token of an admin>, or configure oauth: (a service app) on the provider`);
  return token;
}

/**
 * Connects to one Okta org with an SSWS API token (OKTA_API_TOKEN or tokenEnv) or as an OAuth 2.0
 * service app (private-key JWT), and finds out who that is: the token's own user is the
 * self-lockout guard's identity.
 */
export async function connectOkta(config: OktaConfig, context: ConnectContext): Promise<Connection<OktaContext>> {
  const { env, instance } = context;
  const orgUrl = orgOrigin(config, env, instance);
  const host = new URL(orgUrl).host;
  let authorization: () => Promise<string>;
  if (config.oauth) {
    authorization = serviceAppAuthorization(orgUrl, config.oauth, servicePrivateKey(config.oauth, env, instance), config.oauth.scopes ?? SERVICE_APP_SCOPES);
  } else {
    const header = `SSWS ${tokenFor(config, env, instance)}`;
    authorization = async () => header;
  }
  const http = new OktaHttp({ orgUrl, authorization, concurrency: config.concurrency ?? 4, maxRetries: config.maxRetries ?? 4 });
  const client: OktaContext = { http, host, domains: config.domains, users: new Map() };
  // A run's people are looked up now, beside who-am-I (read-only, into the run's read cache):
  // containment's guard needs the person's id, and need not wait for connect's round trip.
  if (context.users) {
    client.readCache = { http: cachedOktaReads(http), users: new Map() };
    for (const user of context.users) findUser({ ...client, ...client.readCache }, user).catch(() => undefined);
  }
  try {
    if (config.oauth) {
      await authorization();
      return { client, actor: `Okta service app ${config.oauth.clientId} on ${host}` };
    }
    const me = await http.get<OktaUser>('/api/v1/users/me');
    return { client, actor: `okta:${me.profile.login} on ${host}`, selfUser: me.profile.login };
  } catch (error) {
    const status = statusOf(error);
    if (status === 401 || status === 400) {
      throw new InvalidInputError(`Okta rejected the credentials of provider ${instance} (${oktaErrorText(error)})`, config.oauth ? 'check oauth.clientId, the key registered on the service app and its granted scopes' : `check ${config.tokenEnv ?? 'OKTA_API_TOKEN'} (revoked, expired, or from another org?)`);
    }
    if (status === 403) throw new InvalidInputError(`the credentials of provider ${instance} may not use the Okta API (${oktaErrorText(error)})`, 'use an admin API token, or grant the service app the scopes listed by `revoke providers okta`');
    throw new InvalidInputError(`cannot reach Okta for provider ${instance}: ${oktaErrorText(error)}`, `check orgUrl (now ${orgUrl}) and the network`);
  }
}
