import { createVerify, randomBytes } from 'node:crypto';
import type { GoogleState } from './state.js';

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

type TokenAnswer = { status: number; body: Record<string, unknown> };

const refuse = (status: number, error: string, description: string): TokenAnswer => ({ status, body: { error, error_description: description } });

/**
 * Google's OAuth2 token endpoint for the JWT-bearer grant of a service account with domain-wide
 * delegation: the assertion's RS256 signature is checked against the service account's key, its
 * audience and lifetime, the delegated subject must be an active admin of the customer, and every
 * requested scope must be granted to the client id in domain-wide delegation.
 */
export function exchangeJwt(state: GoogleState, form: URLSearchParams): TokenAnswer {
  if (form.get('grant_type') !== JWT_BEARER) return refuse(400, 'unsupported_grant_type', 'Invalid grant_type: ' + (form.get('grant_type') ?? ''));
  const parts = (form.get('assertion') ?? '').split('.');
  if (parts.length !== 3) return refuse(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
  const [header, payload, signature] = parts as [string, string, string];
  let claims: { iss?: string; sub?: string; aud?: string; scope?: string; iat?: number; exp?: number };
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'RS256') return refuse(400, 'invalid_grant', 'Invalid JWT Signature.');
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return refuse(400, 'invalid_grant', 'Invalid JWT Signature.');
  }
  const account = state.serviceAccounts.get(claims.iss ?? '');
  if (!account) return refuse(401, 'invalid_client', 'The OAuth client was not found.');
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(account.publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) return refuse(400, 'invalid_grant', 'Invalid JWT Signature.');
  const now = Math.floor(Date.now() / 1000);
  if (claims.aud !== GOOGLE_TOKEN_AUDIENCE || !claims.iat || !claims.exp || claims.exp < now || claims.iat > now + 300 || claims.exp - claims.iat > 3600) {
    return refuse(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
  }
  const subject = claims.sub ? state.user(claims.sub) : undefined;
  if (claims.sub && (!subject || subject.suspended)) return refuse(400, 'invalid_grant', 'Invalid email or User ID');
  const scopes = (claims.scope ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0) return refuse(400, 'invalid_scope', 'Empty or missing scope not allowed.');
  if (!scopes.every((scope) => account.delegatedScopes.has(scope))) {
    return refuse(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
  }
  const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
  state.accessTokens.set(token, { clientEmail: account.clientEmail, subject: subject?.primaryEmail ?? account.clientEmail, scopes: new Set(scopes), expires: Date.now() + 3600_000 });
  return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
}
