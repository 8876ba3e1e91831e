import { InvalidInputError } from '../../errors.js';
import type { Canary, CanaryRequest } from '../drill-hooks.js';
import { operatorCanary, type EnvironmentCredential } from '../operator-canary.js';
import { authorityOf, tokenClaims } from './client.js';
import type { EntraConfig } from './config.js';
import type { EntraContext } from './kind.js';

/** Where a drill finds the canary test account's credentials, and the public client they belong to. */
export const CANARY_REFRESH_TOKEN_ENV = 'REVOKE_DRILL_ENTRA_REFRESH_TOKEN';
export const CANARY_PASSWORD_ENV = 'REVOKE_DRILL_ENTRA_PASSWORD';
export const CANARY_CLIENT_ID_ENV = 'REVOKE_DRILL_ENTRA_CLIENT_ID';

/** What an Entra probe needs: one grant of the canary's, at the tenant's token endpoint. */
export interface EntraProbeSecret {
  tokenEndpoint: string;
  form: Record<string, string>;
}

/** A grant at the token endpoint: the UPN of the access token it gave, or Entra's refusal (AADSTS text, never the secret). */
export async function entraGrant(secret: EntraProbeSecret, signal: AbortSignal): Promise<{ upn: string } | { status: number; error: string }> {
  const answer = await fetch(secret.tokenEndpoint, { method: 'POST', body: new URLSearchParams(secret.form), signal });
  const body = (await answer.json().catch(() => ({}))) as { access_token?: string; error?: string; error_codes?: number[] };
  if (!answer.ok || !body.access_token) return { status: answer.status, error: `${body.error ?? 'no token'}${body.error_codes ? ` (AADSTS${body.error_codes[0]})` : ''}` };
  return { upn: tokenClaims(body.access_token).upn ?? '' };
}

/**
 * Entra drills cannot create users: the canary is a test account the operator provides, with a
 * refresh token (what a signed-in mail app holds) in REVOKE_DRILL_ENTRA_REFRESH_TOKEN and/or its
 * password (the ROPC grant) in REVOKE_DRILL_ENTRA_PASSWORD, both for the public client
 * REVOKE_DRILL_ENTRA_CLIENT_ID. Each is checked to sign in as the step's user before anything runs.
 */
export async function entraCanary(context: EntraContext, request: CanaryRequest): Promise<Canary> {
  const { env } = request;
  const clientId = env[CANARY_CLIENT_ID_ENV];
  const refreshToken = env[CANARY_REFRESH_TOKEN_ENV];
  const password = env[CANARY_PASSWORD_ENV];
  if (!clientId || (!refreshToken && !password)) {
    throw new InvalidInputError(
      `an Entra drill needs ${CANARY_CLIENT_ID_ENV} and at least one of ${CANARY_REFRESH_TOKEN_ENV}, ${CANARY_PASSWORD_ENV} (the canary test account's credentials)`,
      `register a public client app allowing the test account to sign in, export ${CANARY_CLIENT_ID_ENV}=<its app id>, and ${CANARY_REFRESH_TOKEN_ENV}=<a refresh token of the account> and/or ${CANARY_PASSWORD_ENV}=<its password>`,
    );
  }
  const tokenEndpoint = `${authorityOf(request.config as EntraConfig, env).replace(/\/$/, '')}/${context.tenantId}/oauth2/v2.0/token`;
  const credentials: Array<EnvironmentCredential<EntraProbeSecret>> = [];
  if (refreshToken) credentials.push({ name: 'refresh-token', what: 'refresh token', env: CANARY_REFRESH_TOKEN_ENV, secret: { tokenEndpoint, form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, scope: 'openid offline_access' } } });
  if (password) credentials.push({ name: 'password', what: 'password (ROPC grant)', env: CANARY_PASSWORD_ENV, secret: { tokenEndpoint, form: { grant_type: 'password', username: request.user, password, client_id: clientId, scope: 'openid' } } });
  return operatorCanary({
    vendor: 'Entra',
    user: request.user,
    identity: `${request.user} in ${context.tenantName}`,
    credentials,
    ownerOf: async (secret) => {
      const answer = await entraGrant(secret, request.signal);
      return 'upn' in answer ? { owner: answer.upn } : answer;
    },
  });
}
