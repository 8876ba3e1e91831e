import { describe, expect, it } from 'vitest';
import { slackSpecViolations } from './slack-spec.js';

const answer = (route: string, responseBody: unknown) => ({ method: 'POST', route, path: `/api/${route}`, query: {}, requestBody: {}, status: 200, responseBody, mutating: false });

/** The Slack sandbox check is only as good as this function. */
describe("the Slack sandbox's answers are checked against Slack's Web API description", () => {
  it('accepts what Slack documents', () => {
    expect(slackSpecViolations(answer('auth.revoke', { ok: true, revoked: true }))).toEqual([]);
    expect(slackSpecViolations(answer('auth.test', { ok: false, error: 'invalid_auth' }))).toEqual([]);
    expect(slackSpecViolations(answer('auth.test', { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'bot', team_id: 'T0001', user_id: 'U0001' }))).toEqual([]);
  });

  it('flags what Slack would not answer', () => {
    expect(slackSpecViolations(answer('auth.revoke', { ok: true, revoked: 'yes' }))).not.toEqual([]);
    expect(slackSpecViolations(answer('auth.test', { ok: false, error: 'no_such_error' }))).not.toEqual([]);
    expect(slackSpecViolations(answer('auth.test', { ok: true, url: 'x', team: 'Acme', user: 'bot', team_id: 'acme', user_id: 'U0001' }))).not.toEqual([]);
    expect(slackSpecViolations(answer('auth.forget', { ok: true }))).not.toEqual([]);
  });
});
