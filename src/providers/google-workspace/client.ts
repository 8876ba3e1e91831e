import { admin } from '@googleapis/admin';
import Bottleneck from 'bottleneck';
import { GoogleAuth, JWT, type AuthClient, type OAuth2Client } from 'google-auth-library';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext, Connection } from '../types.js';
import type { GoogleConfig } from './config.js';
import { serviceAccountKey, type ServiceAccountKey } from './credentials.js';
import { googleErrorText, statusOf, type GoogleContext } from './kind.js';
import { googleRetryConfig } from './retry.js';
import { ALL_SCOPES } from './scopes.js';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const DEFAULT_ROOT_URL = 'https://admin.googleapis.com/';

/** One write pace per domain and endpoint, shared by every provider instance and step of a run. */
const pacers = new Map<string, Bottleneck>();

function pacerFor(key: string, minTime: number): Bottleneck {
  let pacer = pacers.get(key);
  if (!pacer) {
    pacer = new Bottleneck({ maxConcurrent: 1, minTime });
    pacers.set(key, pacer);
  }
  return pacer;
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
function readOnlyAuth(client: AuthClient): AuthClient {
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

/**
 * Connects to one Google Workspace customer as a service account impersonating an admin
 * (domain-wide delegation) or with Application Default Credentials (workload identity
 * federation), with Google's Admin SDK clients, retries on rate limits and a per-domain write pace.
 */
export async function connectGoogle(config: GoogleConfig, context: ConnectContext): Promise<Connection<GoogleContext>> {
  const { env, instance } = context;
  const rootUrl = config.rootUrl ?? env.GOOGLE_WORKSPACE_API_URL ?? DEFAULT_ROOT_URL;
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
  await authorize(auth, key, config, scopes, tokenUrl, instance);

  const retryConfig = googleRetryConfig(config.maxRetries ?? 6, config.retryDelayMs ?? 1000);
  const clientsOver = (authClientFor: AuthClient) => {
    // The Admin SDK typings want an OAuth2Client; any AuthClient works (it only calls request()).
    const over = authClientFor as OAuth2Client;
    return {
    directory: admin({ version: 'directory_v1', auth: over, rootUrl, retryConfig }),
    transfer: admin({ version: 'datatransfer_v1', auth: over, rootUrl, retryConfig }),
    reports: admin({ version: 'reports_v1', auth: over, rootUrl, retryConfig }),
    };
  };
  const pacer = pacerFor(`${rootUrl}|${config.domain}`, config.writeIntervalMs ?? 100);
  const readOnlyClients = clientsOver(readOnlyAuth(auth));
  // The impersonated admin reads itself, but connect does not wait for it: the guard (checkTarget)
  // waits for it beside its read of the target (one round trip instead of two), and so does every
  // write, so nothing is changed before it passed.
  const adminChecked = adminReadsItself(readOnlyClients.directory, subject, instance, rootUrl);
  adminChecked.catch(() => undefined);
  const base = {
    customer: config.customer ?? 'my_customer',
    domains: [config.domain, ...(config.domains ?? [])],
    subject,
    adminChecked,
    write: async <T>(call: () => Promise<T>) => {
      await adminChecked;
      return pacer.schedule(call);
    },
    transferPollMs: config.transferPollMs ?? 5000,
    transferTimeoutMs: config.transferTimeoutMs ?? 30 * 60_000,
  };
  const client: GoogleContext = { ...base, ...clientsOver(auth) };
  client.readOnlyView = { ...base, ...readOnlyClients, write: () => Promise.reject(new Error('writes are refused in discovery')) };
  return { client, selfUser: subject, actor: `${key ? key.client_email : 'application default credentials'} as ${subject} on ${config.domain}` };
}

/** The impersonated admin can read itself in the directory (an admin with the User management privilege), or the worded error. */
async function adminReadsItself(directory: GoogleContext['directory'], subject: string, instance: string, rootUrl: string): Promise<void> {
  try {
    await directory.users.get({ userKey: subject, projection: 'basic' });
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 403) {
      throw new InvalidInputError(`the impersonated admin ${subject} cannot read itself in the directory (provider ${instance}): ${googleErrorText(error)}`, 'check subject: and that it is an admin with the User management privilege');
    }
    throw new InvalidInputError(`cannot reach the Google Admin SDK for provider ${instance}: ${googleErrorText(error)}`, `check rootUrl (now ${rootUrl}) and the network`);
  }
}
