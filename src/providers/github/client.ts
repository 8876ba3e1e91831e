import { readOwnerOnlyFile } from '../owner-only-file.js';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { InvalidInputError } from '../../errors.js';
import type { ConnectContext, Connection } from '../types.js';
import { ReadOnlyViolation } from '../read-only.js';
import type { GitHubConfig } from './config.js';
import { githubErrorText, statusOf, type GitHubContext } from './kind.js';
import { GitHubRequestPolicy, requestPolicyPlugin } from './request-policy.js';

const RevokeOctokit = Octokit.plugin(requestPolicyPlugin);

/**
 * Connects to one GitHub organization with a token (GITHUB_TOKEN, GH_TOKEN or tokenEnv) or as a
 * GitHub App installation. Every request goes through the connection's GitHubRequestPolicy:
 * writes paced as GitHub asks, rate limits and 5xx retried, Retry-After honoured.
 */
export async function connectGitHub(config: GitHubConfig, context: ConnectContext): Promise<Connection<GitHubContext>> {
  const { env, instance } = context;
  const baseUrl = config.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com';
  const auth = config.app ? appAuth(config.app, env, instance) : { auth: tokenFor(config, env, instance) };
  const options = {
    ...auth,
    baseUrl,
    userAgent: 'revoke',
    // Octokit's own logging would print warnings around our output; errors reach us as values.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    // No shared AbortSignal here: fetch leaves one listener on it per request, which piles up in
    // audits of thousands of people. A stop lets in-flight GitHub calls finish instead.
    //
    // One write pace and one concurrency limit for the connection's three clients.
    requestPolicy: new GitHubRequestPolicy({ writeIntervalMs: config.writeIntervalMs, writeBurst: config.writeBurst, rateLimitWaitSeconds: config.rateLimitWaitSeconds }),
  };
  const octokit = new RevokeOctokit(options) as unknown as Octokit;
  // Same credentials (an App's installation token is minted once, by the shared auth), but every
  // request other than a read is refused before it is sent.
  const readOnlyOctokit = refuseWrites(new RevokeOctokit({ ...options, authStrategy: () => octokit.auth }) as unknown as Octokit);

  // Who the token is, the org, and whether its members are visible do not depend on each other:
  // asked at once, one round trip instead of three. A failure is worded as before: the
  // credentials first, then the org; the member list only decides canSeeMembers.
  // A run's people (ConnectContext.users): their membership and SSO credential authorizations
  // (what containment reads first) are asked now, beside connect's own reads, through the run's
  // read cache (`withReadCache`). Read-only: the cache's client refuses writes too.
  const perPage = config.perPage ?? 100;
  const readCache = context.users ? cachedGets(refuseWrites(new RevokeOctokit({ ...options, authStrategy: () => octokit.auth }) as unknown as Octokit)) : undefined;
  const prefetched = Promise.allSettled(
    (readCache ? (context.users ?? []) : []).flatMap((user) => [
      readCache!.rest.orgs.getMembershipForUser({ org: config.org, username: user }),
      readCache!.paginate('GET /orgs/{org}/credential-authorizations', { org: config.org, login: user, per_page: perPage }),
    ]),
  );
  const [self, org, members] = await Promise.allSettled([
    config.app ? Promise.resolve(undefined) : octokit.rest.users.getAuthenticated(),
    octokit.rest.orgs.get({ org: config.org }),
    octokit.rest.orgs.listMembers({ org: config.org, per_page: 1 }),
  ]);
  const failed = [self, org].find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
  if (failed) {
    const error: unknown = failed.reason;
    const status = statusOf(error);
    if (status === 401) throw new InvalidInputError(`GitHub rejected the credentials of provider ${instance} (HTTP 401)`, 'refresh the token (expired or revoked?) or check the App id, installation id and private key');
    if (status === 404) throw new InvalidInputError(`GitHub organization ${config.org} is not visible to provider ${instance}`, 'check org: and that the token (read:org) or App installation covers this organization');
    throw new InvalidInputError(`cannot reach GitHub for provider ${instance}: ${githubErrorText(error)}`, `check baseUrl (now ${baseUrl}) and the network`);
  }
  const selfUser = self.status === 'fulfilled' ? self.value?.data.login : undefined;
  const actor = config.app ? `GitHub App ${config.app.appId} (installation ${config.app.installationId}) on ${config.org}` : `github:${selfUser} on ${config.org}`;
  const canSeeMembers = members.status === 'fulfilled';
  return {
    client: { octokit, readOnlyOctokit, ...(readCache ? { readCache, prefetched } : {}), org: config.org, auth: config.app ? 'app' : 'token', canSeeMembers, perPage },
    actor,
    ...(selfUser ? { selfUser } : {}),
  };
}

/**
 * One run's read cache: identical GET requests (method, route and parameters; each page of a
 * list) are sent once and their answers shared, errors included. Meant for a run's containment
 * and discovery, which read the world once before changing it; never for revoke.
 */
function cachedGets(octokit: Octokit): Octokit {
  const answers = new Map<string, Promise<unknown>>();
  octokit.hook.wrap('request', (request, options) => {
    if ((options.method ?? 'GET').toUpperCase() !== 'GET') return request(options);
    const { headers: _headers, request: _request, baseUrl: _baseUrl, mediaType: _mediaType, ...key } = options as Record<string, unknown>;
    const id = JSON.stringify(key, Object.keys(key).sort());
    if (!answers.has(id)) answers.set(id, Promise.resolve(request(options)));
    return answers.get(id) as ReturnType<typeof request>;
  });
  return octokit;
}

/** Lets GET and HEAD through; anything else is refused before it leaves the process. */
function refuseWrites(octokit: Octokit): Octokit {
  octokit.hook.before('request', (request) => {
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') throw new ReadOnlyViolation(`GitHub ${method} ${request.url}`);
  });
  return octokit;
}

function tokenFor(config: GitHubConfig, env: NodeJS.ProcessEnv, instance: string): string {
  const name = config.tokenEnv ?? (env.GITHUB_TOKEN ? 'GITHUB_TOKEN' : 'GH_TOKEN');
  const token = env[name];
  if (!token) {
    throw new InvalidInputError(
      `no GitHub token for provider ${instance}: ${config.tokenEnv ? `${config.tokenEnv} is not set` : 'neither GITHUB_TOKEN nor GH_TOKEN is set'}`,
      config.tokenEnv ? `export ${config.tokenEnv}=<token with admin:org>` : 'export GITHUB_TOKEN=<token with admin:org>, or configure app: on the provider',
    );
  }
  return token;
}

function appAuth(app: NonNullable<GitHubConfig['app']>, env: NodeJS.ProcessEnv, instance: string) {
  let privateKey: string | undefined;
  if (app.privateKeyFile) {
    privateKey = readOwnerOnlyFile(app.privateKeyFile, {
      missing: `GitHub App private key ${app.privateKeyFile} of provider ${instance} does not exist`,
      missingFix: 'check app.privateKeyFile',
      readable: `GitHub App private key ${app.privateKeyFile} can be read by others; refusing to use it`,
    });
  } else {
    privateKey = env[app.privateKeyEnv!];
    if (!privateKey) throw new InvalidInputError(`${app.privateKeyEnv} is not set (GitHub App private key of provider ${instance})`, `export ${app.privateKeyEnv}="$(cat app.private-key.pem)"`);
  }
  return { authStrategy: createAppAuth, auth: { appId: app.appId, privateKey, installationId: app.installationId } };
}
