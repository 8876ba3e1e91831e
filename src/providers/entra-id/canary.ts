import { InvalidInputError } from '../../errors.js';
import type { Canary, CanaryCredential, CanaryRequest } from '../drill-hooks.js';
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
  const grants: Array<[name: string, label: string, envName: string, form: Record<string, string>]> = [];
  if (refreshToken) grants.push(['refresh-token', 'refresh token', CANARY_REFRESH_TOKEN_ENV, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, scope: 'openid offline_access' }]);
  if (password) grants.push(['password', 'password (ROPC grant)', CANARY_PASSWORD_ENV, { grant_type: 'password', username: request.user, password, client_id: clientId, scope: 'openid' }]);
  const credentials: CanaryCredential[] = [];
  for (const [name, label, envName, form] of grants) {
    const secret: EntraProbeSecret = { tokenEndpoint, form };
    const signedIn = await entraGrant(secret, request.signal);
    if ('status' in signedIn) throw new InvalidInputError(`Entra refused ${envName} (HTTP ${signedIn.status}, ${signedIn.error}) before the drill began; nothing was changed`, `give a working ${label} of the canary account for client ${clientId}`);
    if (signedIn.upn.toLowerCase() !== request.user.toLowerCase()) {
      throw new InvalidInputError(`${envName} belongs to ${signedIn.upn}, not to the canary ${request.user}; nothing was changed`, `pass --canary ${signedIn.upn}, or a credential of ${request.user}`);
    }
    credentials.push({ name, label: `${label} of ${request.user} (from ${envName})`, secret });
  }
  return {
    identity: `${request.user} in ${context.tenantName}`,
    createdByDrill: false,
    credentials,
    // Nothing to remove: the account is the operator's; the run left it disabled (see the README's Drills).
    cleanup: async () => ({ removed: [], leftovers: [] }),
  };
}
