import { InvalidInputError } from '../../errors.js';
import type { Canary, CanaryRequest } from '../drill-hooks.js';
import { operatorCanary, ownerAt, type CredentialOwner } from '../operator-canary.js';
import type { GoogleConfig } from './config.js';

/** Where a drill finds the canary test account's credentials: a session cookie and an OAuth access token. */
export const CANARY_SESSION_ENV = 'REVOKE_DRILL_GOOGLE_SESSION';
export const CANARY_OAUTH_TOKEN_ENV = 'REVOKE_DRILL_GOOGLE_OAUTH_TOKEN';

/** Google's OpenID userinfo endpoint; with a rootUrl other than Google's (the sandbox), the same path on that origin. */
const GOOGLE_USERINFO = 'https://www.googleapis.com/oauth2/v3/userinfo';

/** What a Google probe needs: which credential, its value, and the userinfo endpoint. */
export interface GoogleProbeSecret {
  kind: 'session' | 'oauth-token';
  value: string;
  userinfoUrl: string;
}

/** The userinfo request a credential makes about its own holder (the bench probes the same). */
export function googleUserinfoRequest(secret: GoogleProbeSecret): { url: string; headers: Record<string, string> } {
  const auth: Record<string, string> = secret.kind === 'session' ? { cookie: `SID=${secret.value}` } : { authorization: `Bearer ${secret.value}` };
  return { url: secret.userinfoUrl, headers: { accept: 'application/json', ...auth } };
}

/** The email a live credential belongs to, or the HTTP status Google refused it with. */
function emailOf(secret: GoogleProbeSecret, signal: AbortSignal): Promise<CredentialOwner> {
  return ownerAt(googleUserinfoRequest(secret), signal, (body) => (body as { email?: string }).email ?? '');
}

/**
 * Google Workspace drills cannot create users: the canary is a test account the operator provides,
 * with a session cookie (SID) in REVOKE_DRILL_GOOGLE_SESSION and/or an OAuth access token an app
 * holds for it in REVOKE_DRILL_GOOGLE_OAUTH_TOKEN. Each is checked at userinfo to be the step's
 * user before anything runs. The run leaves the account suspended (or deleted).
 */
export async function googleCanary(_context: unknown, request: CanaryRequest): Promise<Canary> {
  const config = request.config as GoogleConfig;
  const root = config.rootUrl ?? request.env.GOOGLE_WORKSPACE_API_URL;
  const userinfoUrl = root ? new URL('/oauth2/v3/userinfo', root).href : GOOGLE_USERINFO;
  const given = ([['session', CANARY_SESSION_ENV], ['oauth-token', CANARY_OAUTH_TOKEN_ENV]] as const).filter(([, env]) => request.env[env]);
  if (given.length === 0) {
    throw new InvalidInputError(
      `neither ${CANARY_SESSION_ENV} nor ${CANARY_OAUTH_TOKEN_ENV} is set: a Google Workspace drill needs the canary test account's credentials`,
      `sign in as the test account and export ${CANARY_SESSION_ENV}=<its SID cookie>, and/or ${CANARY_OAUTH_TOKEN_ENV}=<an OAuth access token issued to it>`,
    );
  }
  return operatorCanary({
    vendor: 'Google',
    user: request.user,
    identity: request.user,
    credentials: given.map(([kind, env]) => ({ name: kind, what: kind === 'session' ? 'session' : 'OAuth token', env, secret: { kind, value: request.env[env]!, userinfoUrl } })),
    ownerOf: (secret) => emailOf(secret, request.signal),
  });
}
