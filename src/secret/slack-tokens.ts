import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded, runBounded } from '../engine/graph-runner.js';
import type { PlannedSecret, SecretContext, SecretHandler, SecretOutcome } from './plan.js';

/** Slack's tier limits are per method per workspace; a few at a time stays well inside them. */
const SLACK_CONCURRENCY = 4;
const RATE_LIMITED_ATTEMPTS = 5;

interface SlackAnswer {
  ok: boolean;
  error?: string;
  revoked?: boolean;
  team?: string;
  user?: string;
  team_id?: string;
  user_id?: string;
}

/**
 * Slack tokens (xoxb-, xoxp-, xoxa-): identified with auth.test and revoked with auth.revoke, both
 * called with the leaked token itself (Slack has no admin call that revokes another's token).
 * SLACK_API_URL points at another endpoint (the sandbox); HTTP 429 waits for Retry-After.
 */
export const slackTokens: SecretHandler = {
  types: ['slack-token'],

  plan: (secrets, context) =>
    mapBounded(secrets, SLACK_CONCURRENCY, async (secret): Promise<PlannedSecret> => {
      const kind = secret.classified.type === 'slack-token' ? secret.classified.kind : 'token';
      const base = { secret, what: `Slack ${kind}`, warnings: [] as string[] };
      const answer = await slackCall('auth.test', tokenOf(secret), context).catch((error: Error) => ({ ok: false, error: error.message }) as SlackAnswer);
      if (answer.ok) return { ...base, owner: `${answer.user ?? answer.user_id ?? '?'} in workspace ${answer.team ?? answer.team_id ?? '?'}`, actions: ['revoke with Slack auth.revoke (called with the token itself)'] };
      if (answer.error === 'invalid_auth' || answer.error === 'token_revoked' || answer.error === 'account_inactive' || answer.error === 'token_expired') {
        return { ...base, actions: [], settled: { status: 'already-gone', detail: `Slack no longer accepts the token (${answer.error})` } };
      }
      return { ...base, actions: ['revoke with Slack auth.revoke (called with the token itself)'], warnings: [`Slack auth.test failed (${answer.error ?? 'unknown error'}): owner unknown`] };
    }),

  async revoke(planned, context) {
    const outcomes: SecretOutcome[] = planned.map((p) => p.settled ?? { status: 'failed', detail: 'not sent' });
    await runBounded(planned.map((p, index) => ({ p, index })).filter(({ p }) => !p.settled), SLACK_CONCURRENCY, async ({ p, index }) => {
      try {
        const answer = await slackCall('auth.revoke', tokenOf(p.secret), context);
        if (answer.ok) outcomes[index] = answer.revoked === false ? { status: 'failed', detail: 'Slack auth.revoke answered revoked: false' } : { status: 'revoked', detail: 'Slack auth.revoke: revoked' };
        else if (answer.error === 'invalid_auth' || answer.error === 'token_revoked') outcomes[index] = { status: 'already-gone', detail: `Slack no longer accepts the token (${answer.error})` };
        else outcomes[index] = { status: 'failed', detail: `Slack auth.revoke: ${answer.error ?? 'unknown error'}` };
      } catch (error) {
        outcomes[index] = { status: 'failed', detail: (error as Error).message };
      }
    });
    return outcomes;
  },
};

const tokenOf = (p: PlannedSecret['secret']) => (p.classified.type === 'slack-token' ? p.classified.token : '');

async function slackCall(method: 'auth.test' | 'auth.revoke', token: string, context: SecretContext): Promise<SlackAnswer> {
  const base = (context.env.SLACK_API_URL ?? 'https://slack.com/api').replace(/\/$/, '');
  for (let attempt = 1; ; attempt++) {
    context.count(`slack:${method}`);
    const response = await fetch(`${base}/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal: context.signal,
    });
    if (response.status === 429 && attempt < RATE_LIMITED_ATTEMPTS) {
      await response.arrayBuffer().catch(() => undefined);
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep((Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000, undefined, { signal: context.signal });
      continue;
    }
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      throw new Error(`Slack ${method} answered HTTP ${response.status}`);
    }
    return (await response.json()) as SlackAnswer;
  }
}
