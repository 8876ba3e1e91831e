import { describe, expect, it } from 'vitest';
import type { OktaExchange } from '../../src/sandbox/okta/server.js';
import { oktaSpec } from '../support/okta.js';

const exchange = (overrides: Partial<OktaExchange>): OktaExchange => ({
  method: 'GET',
  route: '/api/v1/users/{userId}/groups',
  path: '/api/v1/users/00u1/groups',
  query: {},
  requestBody: undefined,
  status: 200,
  responseBody: [],
  mutating: false,
  caller: 'x',
  ...overrides,
});

describe("the spec check itself (Okta's management and OAuth OpenAPI descriptions)", () => {
  it('comes from the published descriptions', () => {
    expect(oktaSpec.source).toMatch(/^okta\/okta-sdk-nodejs@[0-9a-f]{40} oas-spec\/management\.yaml \(\d+\.\d+\.\d+\) \+ oas-spec\/oauth\.yaml/);
  });

  it('rejects a bad response body, an undocumented status or query parameter, a bad request body', () => {
    expect(specOf({ responseBody: [{ id: 'g', type: 'MADE_UP' }] })[0]).toMatch(/response body: .*must be equal to one of the allowed values/);
    expect(specOf({ status: 418 })).toEqual(['GET /api/v1/users/00u1/groups -> 418: status 418 is not documented for this operation']);
    expect(specOf({ query: { colour: 'blue' } })).toEqual(['GET /api/v1/users/00u1/groups -> 200: query parameter colour is not documented']);
    expect(specOf({ method: 'DELETE', route: '/api/v1/users/{userId}/sessions', path: '/api/v1/users/00u1/sessions', query: { oauthTokens: 'yes' }, status: 204, responseBody: undefined })[0]).toMatch(/query oauthTokens="yes": data must be boolean/);
    expect(specOf({ method: 'DELETE', route: '/api/v1/users/{userId}/sessions', path: '/api/v1/users/00u1/sessions', status: 204, responseBody: {} })).toEqual(['DELETE /api/v1/users/00u1/sessions -> 204: a 204 must have no body']);
    const revocation = { method: 'POST', route: '/oauth2/v1/global-token-revocation', path: '/oauth2/v1/global-token-revocation', status: 204, responseBody: undefined };
    expect(specOf({ ...revocation, requestBody: { sub_id: { format: 'email', id: 'x' } } })[0]).toMatch(/request body: data\/sub_id\/format must be equal to one of the allowed values/);
    expect(specOf({ route: '/api/v1/users/{userId}/nope' })[0]).toMatch(/is not in Okta's OpenAPI description/);
    expect(specOf({ status: 404, responseBody: { errorCode: 7 } })[0]).toMatch(/response body: data\/errorCode must be string/);
  });
});

function specOf(overrides: Partial<OktaExchange>): string[] {
  return oktaSpec.specViolations(exchange(overrides));
}
