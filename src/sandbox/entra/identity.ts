import { createHmac, createVerify, constants, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { EntraState, EntraUser } from './state.js';

/** What the token endpoint answers: a token response, or an AADSTS error. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Who asked (client id, user), for the request log. */
  caller: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The Microsoft identity platform's error shape (error, error_description with an AADSTS code). */
function aadError(status: number, error: string, code: number, description: string, caller = ''): TokenAnswer {
  return {
    status,
    caller,
    body: { error, error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()}`, error_codes: [code], timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z', trace_id: randomUUID(), correlation_id: randomUUID() },
  };
}

export function openIdConfiguration(base: string, tenant: string): Record<string, unknown> {
  return {
    issuer: `${base}/${tenant}/v2.0`,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
  };
}

/** Signs sandbox access tokens (JWT-shaped like Entra's; only the sandbox checks them). */
export function issueAccessToken(state: EntraState, secret: Buffer, claims: { clientId: string; roles: string[]; user?: EntraUser }): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: 'https://graph.microsoft.com',
    iss: `https://sts.windows.net/${state.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    tid: state.tenantId,
    appid: claims.clientId,
    idtyp: claims.user ? 'user' : 'app',
    ...(claims.user ? { oid: claims.user.id, upn: claims.user.userPrincipalName, scp: 'User.ReadWrite.All Directory.AccessAsUser.All' } : { roles: claims.roles }),
  };
  const unsigned = `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(payload)}`;
  const token = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  state.accessTokens.set(token, { clientId: claims.clientId, ...(claims.user ? { userId: claims.user.id } : {}), roles: claims.roles, expires: new Date((now + 3600) * 1000) });
  return token;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';

interface Assertion {
  header: { alg?: string; x5t?: string; 'x5t#S256'?: string };
  payload: { aud?: string; iss?: string; sub?: string; exp?: number };
  signed: string;
  signature: Buffer;
}

function parseAssertion(assertion: string): Assertion | undefined {
  const [header64, payload64, signature64] = assertion.split('.');
  if (!header64 || !payload64 || !signature64) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(header64, 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(payload64, 'base64url').toString('utf8')),
      signed: `${header64}.${payload64}`,
      signature: Buffer.from(signature64, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

function verifies(assertion: Assertion, key: KeyObject): boolean {
  const verifier = createVerify('RSA-SHA256').update(assertion.signed);
  if (assertion.header.alg === 'PS256') return verifier.verify({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, assertion.signature);
  return assertion.header.alg === 'RS256' && verifier.verify(key, assertion.signature);
}

/**
 * Verifies a client assertion: a JWT the app signed with its certificate's key (x5t names the
 * certificate, audience the token endpoint), or a federated token (workload identity federation:
 * issued by a trusted issuer, e.g. a CI system, for a registered subject, audience
 * api://AzureADTokenExchange).
 */
function assertionProblem(state: EntraState, raw: string, clientId: string, tokenEndpoint: string): string | undefined {
  const app = state.apps.get(clientId);
  const assertion = parseAssertion(raw);
  if (!app || !assertion) return 'the client assertion is not a JWT';
  const { header, payload } = assertion;
  if (!payload.exp || payload.exp * 1000 < Date.now()) return 'the client assertion has expired';
  const thumbprint = header['x5t#S256'] ?? header.x5t;
  if (!thumbprint) {
    const trusted = app.federated?.find((f) => f.issuer === payload.iss && f.subject === payload.sub);
    if (!trusted) return `no federated credential of the app matches issuer ${payload.iss} and subject ${payload.sub}`;
    if (payload.aud !== FEDERATION_AUDIENCE) return `a federated token's audience must be ${FEDERATION_AUDIENCE}`;
    return verifies(assertion, trusted.publicKey) ? undefined : 'the federated token signature does not verify';
  }
  if (!app.certificate) return 'no certificate is registered for this application';
  if (!app.certificate.thumbprints.includes(thumbprint)) return 'the certificate thumbprint in the assertion is not registered';
  if (!verifies(assertion, app.certificate.publicKey)) return 'the client assertion signature does not verify';
  if (payload.iss !== clientId || payload.sub !== clientId) return 'the client assertion is for another client';
  if (payload.aud !== tokenEndpoint) return `the client assertion audience must be ${tokenEndpoint}`;
  return undefined;
}

function recordSignIn(state: EntraState, user: EntraUser, isInteractive: boolean, errorCode: number, failureReason: string | null): void {
  state.signIns.push({ id: randomUUID(), createdDateTime: new Date(), userId: user.id, userPrincipalName: user.userPrincipalName, appDisplayName: 'Office 365', isInteractive, errorCode, failureReason });
}

/** A user who may sign in, or the AADSTS error Entra gives (and the failure lands in the sign-in log). */
function userCanSignIn(state: EntraState, user: EntraUser, isInteractive: boolean): TokenAnswer | undefined {
  if (!user.accountEnabled) {
    recordSignIn(state, user, isInteractive, 50057, 'User account is disabled.');
    return aadError(400, 'invalid_grant', 50057, 'The user account is disabled.', user.userPrincipalName);
  }
  return undefined;
}

/**
 * POST /{tenant}/oauth2/v2.0/token: client credentials (secret or certificate assertion), and for
 * users the password and refresh-token grants, so tests can prove a revoked session is refused.
 */
export function tokenGrant(state: EntraState, secret: Buffer, tenant: string, form: URLSearchParams, tokenEndpoint: string): TokenAnswer {
  if (tenant !== state.tenantId && tenant !== state.domain) return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
  const grant = form.get('grant_type');
  const clientId = form.get('client_id') ?? '';
  if (grant === 'refresh_token') {
    const held = state.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!held) return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    const user = state.users.get(held.userId);
    if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
    const refused = userCanSignIn(state, user, false);
    if (refused) return refused;
    if (held.issuedAt < user.signInSessionsValidFromDateTime) {
      recordSignIn(state, user, false, 50173, 'The provided grant has expired due to it being revoked.');
      return aadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed.', user.userPrincipalName);
    }
    recordSignIn(state, user, false, 0, null);
    return { status: 200, caller: user.userPrincipalName, body: { token_type: 'Bearer', scope: 'https://graph.microsoft.com/.default', expires_in: 3599, ext_expires_in: 3599, access_token: issueAccessToken(state, secret, { clientId: held.clientId, roles: [], user }) } };
  }
  if (grant === 'password') {
    const user = state.user(form.get('username') ?? '');
    if (!user?.password || !sameSecret(user.password, form.get('password') ?? '')) return aadError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
    const refused = userCanSignIn(state, user, true);
    if (refused) return refused;
    recordSignIn(state, user, true, 0, null);
    const idToken = `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url({ aud: clientId, iss: `${tokenEndpoint.replace(/\/oauth2\/v2\.0\/token$/, '')}/v2.0`, tid: state.tenantId, oid: user.id, sub: user.id, preferred_username: user.userPrincipalName, name: user.displayName, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    return {
      status: 200,
      caller: user.userPrincipalName,
      body: {
        token_type: 'Bearer',
        scope: 'https://graph.microsoft.com/User.ReadWrite.All https://graph.microsoft.com/.default',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: issueAccessToken(state, secret, { clientId, roles: [], user }),
        refresh_token: state.issueRefreshToken(user.id, clientId),
        id_token: idToken,
        client_info: b64url({ uid: user.id, utid: state.tenantId }),
      },
    };
  }
  if (grant !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
  const app = state.apps.get(clientId);
  if (!app) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory.`);
  const assertion = form.get('client_assertion');
  if (assertion) {
    const problem = assertionProblem(state, assertion, clientId, tokenEndpoint);
    if (problem) return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation: ${problem}.`, clientId);
  } else if (!app.secret || !sameSecret(app.secret, form.get('client_secret') ?? '')) {
    return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.', clientId);
  }
  return { status: 200, caller: `app ${clientId}`, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: issueAccessToken(state, secret, { clientId, roles: app.roles }) } };
}
