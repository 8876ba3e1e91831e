import { admin } from '@googleapis/admin';
import type { AuthClient, OAuth2Client } from 'google-auth-library';
import { InvalidInputError } from '../../errors.js';
import { writeBucket } from '../token-bucket.js';
import type { ConnectContext, Connection } from '../types.js';
import type { GoogleConfig } from './config.js';
import { readOnlyAuth, type GoogleAuthorization } from './auth.js';
import { cachedDirectoryReads, prefetchPeople } from './cached-reads.js';
import { googleErrorText, statusOf, type GoogleContext } from './kind.js';
import { googleRetryConfig } from './retry.js';

const DEFAULT_ROOT_URL = 'https://admin.googleapis.com/';

/**
 * One write pace per domain and endpoint, shared by every provider instance and step of a run:
 * the first `burst` writes go out at once (a containment's sign-out, backup codes and suspension
 * are not held up), then one per interval; `writeIntervalMs: 0` asks for no pacing at all.
 */
const pacers = new Map<string, { take(): Promise<void> }>();

function pacerFor(key: string, intervalMs: number, burst: number): { take(): Promise<void> } {
  let pacer = pacers.get(key);
  if (!pacer) {
    pacer = writeBucket(intervalMs, burst);
    pacers.set(key, pacer);
  }
  return pacer;
}

/**
 * Connects to one Google Workspace customer as a service account impersonating an admin
 * (domain-wide delegation) or with Application Default Credentials (workload identity
 * federation), with Google's Admin SDK clients, retries on rate limits and a per-domain write pace.
 */
export async function connectGoogle(config: GoogleConfig, context: ConnectContext, authorization: GoogleAuthorization): Promise<Connection<GoogleContext>> {
  const { env, instance } = context;
  const rootUrl = config.rootUrl ?? env.GOOGLE_WORKSPACE_API_URL ?? DEFAULT_ROOT_URL;
  const { auth, key, subject } = authorization;
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
  const pacer = pacerFor(`${rootUrl}|${config.domain}`, config.writeIntervalMs ?? 100, config.writeBurst ?? 5);
  const readOnlyClients = clientsOver(readOnlyAuth(auth));
  await authorization.granted;
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
      await pacer.take();
      return call();
    },
    transferPollMs: config.transferPollMs ?? 5000,
    transferTimeoutMs: config.transferTimeoutMs ?? 30 * 60_000,
  };
  const client: GoogleContext = { ...base, ...clientsOver(auth) };
  client.readOnlyView = { ...base, ...readOnlyClients, write: () => Promise.reject(new Error('writes are refused in discovery')) };
  if (context.users) {
    client.readCache = cachedDirectoryReads(client.readOnlyView);
    prefetchPeople(client.readCache, context.users, context.kinds);
  }
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
