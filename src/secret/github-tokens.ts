import { setTimeout as sleep } from 'node:timers/promises';
import type { ClassifiedSecret } from './classify.js';
import { notRevoked, refused, type PlannedSecret, type SecretContext, type SecretHandler, type SecretOutcome } from './plan.js';

/** GitHub's documented limit of POST /credentials/revoke. */
export const GITHUB_REVOCATION_BATCH = 1000;
const SERVER_ERROR_ATTEMPTS = 3;

/**
 * GitHub tokens: revoked through GitHub's credential revocation endpoint (POST /credentials/revoke),
 * which takes up to 1,000 tokens a request without authenticating (60 requests an hour) and
 * notifies each owner. Installation tokens (ghs_) are not accepted there; they expire within an
 * hour. With --identify, the org provider's SAML credential authorizations name a token's owner.
 */
export const githubTokens: SecretHandler = {
  types: ['github-token', 'github-installation-token'],

  async plan(secrets, context) {
    const owners = context.options.identify ? await ownersByLastEight(context) : new Map<string, TokenOwner>();
    const own = ownTokens(context);
    return secrets.map((secret): PlannedSecret => {
      const c = secret.classified;
      if (c.type === 'github-installation-token') {
        return {
          secret,
          what: 'GitHub App installation token',
          actions: [],
          warnings: [],
          settled: notRevoked('a GitHub App installation token expires within an hour of being issued; the credential revocation endpoint does not take it (the app can end it early with DELETE /installation/token)'),
        };
      }
      const token = c.type === 'github-token' ? c.token : '';
      const owner = owners.get(token.slice(-8));
      const base = { secret, what: `GitHub ${c.type === 'github-token' ? c.kind : 'token'}`, ...(owner ? { owner: `${owner.login} (org ${owner.org})`, provider: owner.instance } : {}), warnings: [] as string[] };
      if (own.has(token)) return { ...base, actions: [], settled: refused('this is the token revoke itself runs with (GITHUB_TOKEN or a provider tokenEnv): revoking it would lock revoke out; rotate it by hand') };
      if (owner && context.providers.isProtected(owner.instance, owner.login)) {
        return { ...base, actions: [], settled: refused(`the token belongs to ${owner.login}, whom the runbook protects (protect: ${owner.instance})`) };
      }
      return { ...base, actions: ['revoke through GitHub credential revocation (POST /credentials/revoke); GitHub notifies the owner'] };
    });
  },

  async revoke(planned, context) {
    const outcomes: SecretOutcome[] = planned.map((p) => p.settled ?? { status: 'failed', detail: 'not sent' });
    const pending = planned.map((p, index) => ({ p, index })).filter(({ p }) => !p.settled);
    const base = apiBase(context);
    let blockedUntil: string | undefined;
    for (let start = 0; start < pending.length; start += GITHUB_REVOCATION_BATCH) {
      const batch = pending.slice(start, start + GITHUB_REVOCATION_BATCH);
      const outcome: SecretOutcome = blockedUntil ? { status: 'failed', detail: `not sent: GitHub's revocation rate limit (60 requests an hour) is used up until ${blockedUntil}; run again then` } : await revokeBatch(base, batch.map(({ p }) => tokenOf(p.secret)), context);
      if (outcome.status === 'failed' && /rate limit/.test(outcome.detail)) blockedUntil ??= /until (\S+)/.exec(outcome.detail)?.[1] ?? 'the next hour';
      for (const { index } of batch) outcomes[index] = outcome;
    }
    return outcomes;
  },
};

const tokenOf = (secret: ClassifiedSecret) => (secret.classified.type === 'github-token' ? secret.classified.token : '');

/** One request of up to 1,000 tokens; 5xx retried with backoff, the rate limit honoured. */
async function revokeBatch(base: string, tokens: string[], context: SecretContext): Promise<SecretOutcome> {
  for (let attempt = 1; ; attempt++) {
    context.count('github:POST /credentials/revoke');
    let response: Response;
    try {
      response = await fetch(`${base}/credentials/revoke`, {
        method: 'POST',
        // No Authorization header: GitHub refuses authenticated requests to this endpoint.
        headers: { accept: 'application/vnd.github+json', 'content-type': 'application/json', 'x-github-api-version': '2022-11-28', 'user-agent': 'revoke' },
        body: JSON.stringify({ credentials: tokens }),
        signal: context.signal,
      });
    } catch (error) {
      if (attempt < SERVER_ERROR_ATTEMPTS) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      return { status: 'failed', detail: `GitHub credential revocation unreachable: ${(error as Error).message}` };
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 202) return { status: 'revoked', detail: `GitHub accepted the revocation (202, batch of ${tokens.length})` };
    const remaining = response.headers.get('x-ratelimit-remaining');
    if ((response.status === 403 || response.status === 429) && remaining === '0') {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      const until = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : 'the next hour';
      return { status: 'failed', detail: `not revoked: GitHub's revocation rate limit (60 requests an hour) is used up until ${until}; run again then` };
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    if ((response.status >= 500 || response.status === 429) && attempt < SERVER_ERROR_ATTEMPTS) {
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt);
      continue;
    }
    return { status: 'failed', detail: `GitHub credential revocation answered HTTP ${response.status}` };
  }
}

/** The runbook's GitHub (Enterprise) API URL, else GITHUB_API_URL, else api.github.com. */
function apiBase(context: SecretContext): string {
  const configured = context.providers.ofType('github').map((i) => i.config.baseUrl as string | undefined).find(Boolean);
  return (configured ?? context.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
}

/** The tokens revoke itself runs with: never revoked (self-lockout guard). */
function ownTokens(context: SecretContext): Set<string> {
  const names = ['GITHUB_TOKEN', 'GH_TOKEN', ...context.providers.ofType('github').map((i) => i.config.tokenEnv as string | undefined).filter((n): n is string => Boolean(n))];
  return new Set(names.map((name) => context.env[name]).filter((value): value is string => Boolean(value)));
}

interface TokenOwner {
  login: string;
  org: string;
  instance: string;
}

/**
 * A token's owner by the last eight characters of a token: the org's SAML credential
 * authorizations list them (GitHub Enterprise Cloud with SAML SSO). Read-only client.
 */
async function ownersByLastEight(context: SecretContext): Promise<Map<string, TokenOwner>> {
  const owners = new Map<string, TokenOwner>();
  for (const instance of context.providers.ofType('github')) {
    const connection = await context.providers.connect(instance).catch(() => undefined);
    if (!connection) continue;
    const client = context.providers.provider('github') as { readOnly?: (c: unknown) => unknown };
    const { octokit, org } = (client.readOnly ? client.readOnly(connection.client) : connection.client) as { octokit: { paginate(route: string, params: object): Promise<Array<{ login: string; token_last_eight?: string }>> }; org: string };
    try {
      context.count('github:GET /orgs/{org}/credential-authorizations');
      for (const authorization of await octokit.paginate('GET /orgs/{org}/credential-authorizations', { org, per_page: 100 })) {
        if (authorization.token_last_eight) owners.set(authorization.token_last_eight, { login: authorization.login, org, instance: instance.name });
      }
    } catch {
      // No SAML SSO, or no admin:org: the owner stays unknown; the token is revoked all the same.
    }
  }
  return owners;
}
