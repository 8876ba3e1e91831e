import { readOwnerOnlyFile } from '../owner-only-file.js';
import { createPrivateKey, createSign, randomUUID, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '../../errors.js';
import type { OktaConfig } from './config.js';
import { OktaApiError } from './http.js';

type OAuthConfig = NonNullable<OktaConfig['oauth']>;

/** Reads the service app's private key from a file (owner-only) or an environment variable. */
export function servicePrivateKey(oauth: OAuthConfig, env: NodeJS.ProcessEnv, instance: string): KeyObject {
  let pem: string | undefined;
  if (oauth.privateKeyFile) {
    pem = readOwnerOnlyFile(oauth.privateKeyFile, {
      missing: `Okta service app private key ${oauth.privateKeyFile} of provider ${instance} does not exist`,
      missingFix: 'check oauth.privateKeyFile',
      readable: `Okta service app private key ${oauth.privateKeyFile} can be read by others; refusing to use it`,
    });
  } else {
    pem = env[oauth.privateKeyEnv!];
    if (!pem) throw new InvalidInputError(`${oauth.privateKeyEnv} is not set (Okta service app private key of provider ${instance})`, `export ${oauth.privateKeyEnv}="$(cat okta-service-app.pem)"`);
  }
  try {
    return createPrivateKey(pem);
  } catch {
    throw new InvalidInputError(`the Okta service app private key of provider ${instance} is not a PEM private key`, 'give the PKCS#8 or PKCS#1 PEM of the key registered on the service app');
  }
}

/**
 * OAuth 2.0 client credentials with a private-key JWT (RFC 7523), as Okta service apps
 * authenticate: a short-lived signed assertion buys an access token, renewed before it expires.
 */
export function serviceAppAuthorization(orgUrl: string, oauth: OAuthConfig, key: KeyObject, scopes: string[]): () => Promise<string> {
  let current: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const endpoint = `${orgUrl}/oauth2/v1/token`;
  async function fetchToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', ...(oauth.keyId ? { kid: oauth.keyId } : {}) };
    const claims = { iss: oauth.clientId, sub: oauth.clientId, aud: endpoint, iat: now, exp: now + 300, jti: randomUUID() };
    const unsigned = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const assertion = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' '), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!response.ok || !body.access_token) throw new OktaApiError(response.status, body.error, body.error_description ?? 'no access token in the answer', []);
    current = { value: body.access_token, renewAt: Date.now() + Math.max(30, (body.expires_in ?? 3600) - 60) * 1000 };
    return current.value;
  }
  return async () => {
    if (current && Date.now() < current.renewAt) return `Bearer ${current.value}`;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return `Bearer ${await pending}`;
  };
}
