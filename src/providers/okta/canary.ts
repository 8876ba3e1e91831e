import { InvalidInputError } from '../../errors.js';
import type { Canary, CanaryRequest } from '../drill-hooks.js';
import { operatorCanary, ownerAt, type CredentialOwner } from '../operator-canary.js';
import type { OktaConfig } from './config.js';
import type { OktaContext } from './kind.js';

/** Where a drill finds the canary test account's credentials: a session cookie and an API token. */
export const CANARY_SESSION_ENV = 'REVOKE_DRILL_OKTA_SESSION';
export const CANARY_API_TOKEN_ENV = 'REVOKE_DRILL_OKTA_API_TOKEN';

/** What an Okta probe needs: which of the canary's credentials, its value, and the org. */
export interface OktaProbeSecret {
  kind: 'session' | 'api-token';
  value: string;
  orgUrl: string;
}

/**
 * The Okta endpoint each credential kind asks about its own holder: a session cookie asks for its
 * session (GET /api/v1/sessions/me), an SSWS API token for its user (GET /api/v1/users/me). Both
 * answer only while the credential is live; the bench probes the same requests.
 */
export function oktaSelfRequest(secret: OktaProbeSecret): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = secret.kind === 'session' ? { cookie: `sid=${secret.value}` } : { authorization: `SSWS ${secret.value}` };
  const path = secret.kind === 'session' ? '/api/v1/sessions/me' : '/api/v1/users/me';
  return { url: new URL(path, secret.orgUrl).href, headers: { accept: 'application/json', ...headers } };
}

/** The login a live credential belongs to, or the HTTP status Okta refused it with. */
function loginOf(secret: OktaProbeSecret, signal: AbortSignal): Promise<CredentialOwner> {
  return ownerAt(oktaSelfRequest(secret), signal, (body) => {
    const self = body as { login?: string; profile?: { login?: string } };
    return self.login ?? self.profile?.login ?? '';
  });
}

/**
 * Okta drills cannot create users: the canary is a test account the operator provides, with a
 * session cookie (sid) in REVOKE_DRILL_OKTA_SESSION and/or an API token it created in
 * REVOKE_DRILL_OKTA_API_TOKEN. Each is checked to belong to the step's user before anything runs.
 * The run leaves the account suspended (disable) or deleted: re-enabling it is the operator's.
 */
export async function oktaCanary(_context: OktaContext, request: CanaryRequest): Promise<Canary> {
  const config = request.config as OktaConfig;
  const orgUrl = new URL((config.orgUrl ?? request.env.OKTA_ORG_URL)!).origin;
  const given = ([['session', CANARY_SESSION_ENV], ['api-token', CANARY_API_TOKEN_ENV]] as const).filter(([, env]) => request.env[env]);
  if (given.length === 0) {
    throw new InvalidInputError(
      `neither ${CANARY_SESSION_ENV} nor ${CANARY_API_TOKEN_ENV} is set: an Okta drill needs the canary test account's credentials`,
      `sign in as the test account and export ${CANARY_SESSION_ENV}=<its sid cookie>, and/or create an API token as it and export ${CANARY_API_TOKEN_ENV}=<token>`,
    );
  }
  return operatorCanary({
    vendor: 'Okta',
    user: request.user,
    identity: `${request.user} in ${new URL(orgUrl).host}`,
    credentials: given.map(([kind, env]) => ({ name: kind, what: kind === 'session' ? 'session' : 'API token', env, secret: { kind, value: request.env[env]!, orgUrl } })),
    ownerOf: (secret) => loginOf(secret, request.signal),
  });
}
