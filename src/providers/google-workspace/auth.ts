import { GoogleAuth, JWT, type AuthClient } from 'google-auth-library';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext } from '../types.js';
import type { GoogleConfig } from './config.js';
import { serviceAccountKey, type ServiceAccountKey } from './credentials.js';
import { ALL_SCOPES } from './scopes.js';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The auth client of one provider instance, its token on the way. */
export interface GoogleAuthorization {
  auth: AuthClient;
  key: ServiceAccountKey | undefined;
  subject: string;
  /** Resolves once Google granted a token; rejects with the worded InvalidInputError. */
  granted: Promise<void>;
}

/**
 * Asks for a token as the service account impersonating the admin (or with Application Default
 * Credentials) and returns without waiting for it. This module loads only Google's auth library,
 * so the token request leaves before the (large) Admin SDK clients have loaded; they load while
 * the answer is on its way.
 */
export async function askGoogleToken(config: GoogleConfig, context: ConnectContext): Promise<GoogleAuthorization> {
  const { env, instance } = context;
  const tokenUrl = config.tokenUrl ?? env.GOOGLE_WORKSPACE_TOKEN_URL ?? GOOGLE_TOKEN_URL;
  const scopes = config.scopes ?? ALL_SCOPES;
  const subject = config.subject.toLowerCase();
  const key = serviceAccountKey(config, env, instance);
  let auth: AuthClient;
  try {
    auth = await authClient(key, scopes, subject, env);
  } catch (error) {
    throw new InvalidInputError(`no Google credentials for provider ${instance}: ${(error as Error).message.split('\n')[0]}`, 'set keyFile: or keyEnv:, or configure Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS)');
  }
  routeTokenRequests(auth, tokenUrl);
  const granted = authorize(auth, key, config, scopes, tokenUrl, instance);
  // Awaited by connect once the Admin SDK has loaded; a refusal before then is not unhandled.
  granted.catch(() => undefined);
  return { auth, key, subject, granted };
}

/** Sends the token request to `tokenUrl` (a sandbox, a private endpoint); the JWT's audience stays Google's. */
function routeTokenRequests(client: AuthClient, tokenUrl: string): void {
  if (tokenUrl === GOOGLE_TOKEN_URL) return;
  client.transporter.interceptors.request.add({
    resolved: async (options) => {
      if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
      return options;
    },
  });
}

/** An auth client that lets only reads through: what discovery, presence and watch get. */
export function readOnlyAuth(client: AuthClient): AuthClient {
  return {
    getUniverseDomain: async () => client.universeDomain,
    request: (options: { method?: string; url?: unknown }) => {
      const method = (options.method ?? 'GET').toUpperCase();
      if (method !== 'GET') return Promise.reject(new Error(`refused ${method} ${String(options.url)}: this client is read-only`));
      return client.request(options as never);
    },
  } as unknown as AuthClient;
}

/**
 * A JWT client for a service account key, else Application Default Credentials: the file in
 * GOOGLE_APPLICATION_CREDENTIALS (a key, or a workload identity federation configuration), then
 * the platform's. The subject is passed to either (domain-wide delegation).
 */
function authClient(key: ServiceAccountKey | undefined, scopes: string[], subject: string, env: NodeJS.ProcessEnv): Promise<AuthClient> | AuthClient {
  if (key) return new JWT({ email: key.client_email, key: key.private_key, scopes, subject });
  const keyFilename = env.GOOGLE_APPLICATION_CREDENTIALS;
  return new GoogleAuth({ scopes, clientOptions: { subject }, ...(keyFilename ? { keyFilename } : {}) }).getClient() as Promise<AuthClient>;
}

/** A token request on its own, to tell which scopes domain-wide delegation lacks. */
async function scopeGranted(key: ServiceAccountKey, scope: string, subject: string, tokenUrl: string): Promise<boolean> {
  const probe = new JWT({ email: key.client_email, key: key.private_key, scopes: [scope], subject });
  routeTokenRequests(probe, tokenUrl);
  try {
    await probe.getAccessToken();
    return true;
  } catch {
    return false;
  }
}

function tokenError(error: unknown): { code: string; description: string } {
  const data = (error as { response?: { data?: { error?: unknown; error_description?: unknown } } }).response?.data;
  return { code: typeof data?.error === 'string' ? data.error : '', description: typeof data?.error_description === 'string' ? data.error_description : (error as Error).message };
}

async function authorize(client: AuthClient, key: ServiceAccountKey | undefined, config: GoogleConfig, scopes: string[], tokenUrl: string, instance: string): Promise<void> {
  try {
    await client.getAccessToken();
  } catch (error) {
    const { code, description } = tokenError(error);
    const who = key ? `service account ${key.client_email}` : 'the Application Default Credentials';
    if (code === 'unauthorized_client' && key) {
      const missing = [];
      for (const scope of scopes) if (!(await scopeGranted(key, scope, config.subject, tokenUrl))) missing.push(scope);
      throw new InvalidInputError(
        `Google refused a token for ${who} acting as ${config.subject} (provider ${instance}): domain-wide delegation lacks ${missing.length ? missing.join(', ') : 'some of the requested scopes'}`,
        `in the Admin console (Security > Access and data control > API controls > Domain-wide delegation) add ${missing.length ? 'those scopes' : 'the scopes `revoke providers google-workspace` lists'} to client ${key.client_id ?? key.client_email}, or narrow scopes: in the runbook`,
      );
    }
    if (code === 'invalid_grant' || code === 'unauthorized_client' || code === 'invalid_client') {
      throw new InvalidInputError(`Google refused a token for ${who} acting as ${config.subject} (provider ${instance}): ${code}: ${description}`, 'check subject: (an existing admin of the domain) and that the key is current and not deleted');
    }
    throw new InvalidInputError(`cannot get a Google token for provider ${instance}: ${description}`, `check the credentials and tokenUrl (now ${tokenUrl})`);
  }
}
