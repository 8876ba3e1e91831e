import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/sandbox/github/server.js';
import { specSource, specViolations } from '../support/openapi.js';

const exchange = (overrides: Partial<Exchange>): Exchange => ({
  method: 'GET',
  route: '/orgs/{org}/members',
  path: '/orgs/acme/members',
  query: {},
  requestBody: undefined,
  status: 200,
  responseBody: [],
  mutating: false,
  enterprise: false,
  caller: 'x',
  startedAt: 0,
  finishedAt: 0,
  ...overrides,
});

describe("the spec check itself (GitHub's OpenAPI description)", () => {
  it('comes from the official description', () => {
    expect(specSource).toMatch(/^@octokit\/openapi@\d+\.\d+\.\d+ generated\/ghec\.deref\.json$/);
  });

  it('rejects a response body missing required fields, an undocumented status, query parameter or body', () => {
    expect(specViolations(exchange({ responseBody: [{ login: 'x' }] }))[0]).toMatch(/response body: .*must have required property/);
    expect(specViolations(exchange({ status: 418 }))).toEqual(['GET /orgs/acme/members -> 418: status 418 is not documented for this operation']);
    expect(specViolations(exchange({ query: { colour: 'blue' } }))).toEqual(['GET /orgs/acme/members -> 200: query parameter colour is not documented']);
    expect(specViolations(exchange({ query: { role: 'boss' } }))[0]).toMatch(/query role="boss": data must be equal to one of the allowed values/);
    const body = exchange({ method: 'DELETE', route: '/orgs/{org}/copilot/billing/selected_users', path: '/orgs/acme/copilot/billing/selected_users', requestBody: { users: ['x'] }, responseBody: { seats_cancelled: 1 } });
    expect(specViolations(body)[0]).toMatch(/request body: data must have required property 'selected_usernames'/);
    expect(specViolations(exchange({ route: '/orgs/{org}/nope' }))[0]).toMatch(/is not in GitHub's OpenAPI description/);
  });
});
