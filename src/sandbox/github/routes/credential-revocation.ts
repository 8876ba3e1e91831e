import { HttpError, type Route } from '../http.js';
import type { GitHubState } from '../state.js';

/** GitHub's documented limits of POST /credentials/revoke. */
export const CREDENTIALS_PER_REQUEST = 1000;
const REQUESTS_PER_HOUR = 60;

/** The hourly request budget of the revocation endpoint, per sandbox; tests may lower `limit`. */
export interface RevocationBudget {
  limit: number;
  used: number;
  resetAt: number;
}

const budgets = new WeakMap<GitHubState, RevocationBudget>();

export function revocationBudget(state: GitHubState): RevocationBudget {
  let budget = budgets.get(state);
  if (!budget || budget.resetAt <= Date.now()) {
    budget = { limit: budget?.limit ?? REQUESTS_PER_HOUR, used: 0, resetAt: Date.now() + 3600_000 };
    budgets.set(state, budget);
  }
  return budget;
}

/**
 * Credential revocation: anyone who holds leaked tokens may submit up to 1,000 per request,
 * without authenticating (an authenticated request is refused), 60 requests an hour. GitHub
 * answers 202 whatever the tokens were (it does not say which existed); the tokens it knows stop
 * working at once here (GitHub revokes them asynchronously and notifies the owners).
 */
export const credentialRevocationRoutes: Route[] = [
  [
    'POST',
    '/credentials/revoke',
    (state, { body, res }) => {
      const budget = revocationBudget(state);
      const remaining = Math.max(0, budget.limit - budget.used - 1);
      const headers = { 'x-ratelimit-limit': String(budget.limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(Math.ceil(budget.resetAt / 1000)), 'x-ratelimit-resource': 'core' };
      if (budget.used >= budget.limit) throw new HttpError(403, 'API rate limit exceeded for 127.0.0.1.', { ...headers, 'x-ratelimit-remaining': '0' });
      budget.used++;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      const credentials = body.credentials;
      if (!Array.isArray(credentials) || credentials.length === 0 || credentials.some((c) => typeof c !== 'string' || c === '')) {
        throw new HttpError(422, 'Invalid request.\n\n"credentials" must be a non-empty array of strings.');
      }
      if (credentials.length > CREDENTIALS_PER_REQUEST) throw new HttpError(422, `Invalid request.\n\nAt most ${CREDENTIALS_PER_REQUEST} credentials may be revoked per request.`);
      for (const token of credentials as string[]) state.tokens.delete(token);
      return { status: 202, body: {} };
    },
    { unauthenticated: true },
  ],
];
