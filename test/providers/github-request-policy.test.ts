import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GitHubRequestPolicy, requestPolicyPlugin } from '../../src/providers/github/request-policy.js';
import { countingRetries } from '../../src/providers/retry-count.js';

afterEach(() => vi.useRealTimers());

const PolicyOctokit = Octokit.plugin(requestPolicyPlugin);
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
/** Retry waits are counted in "seconds" of this many ms, so a test of a minute's wait takes a moment. */
const SECOND_MS = 20;

interface Arrival {
  method: string;
  path: string;
  at: number;
}

/** A local GitHub stand-in: `answer` decides each response from the request and how often its path was asked. */
async function server(answer: (req: IncomingMessage, res: ServerResponse, attempt: number) => void) {
  const arrivals: Arrival[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const http = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    arrivals.push({ method: req.method!, path: req.url!, at: performance.now() });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    answer(req, res, attempts.get(key)!);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const client = (options: ConstructorParameters<typeof GitHubRequestPolicy>[0] = {}) =>
    new PolicyOctokit({ baseUrl, auth: 'test-token', log: quiet, requestPolicy: new GitHubRequestPolicy({ secondMs: SECOND_MS, ...options }) } as never) as unknown as Octokit;
  return { arrivals, client, maxInFlight: () => maxInFlight, close: () => new Promise((resolve) => http.close(resolve)) };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const gaps = (arrivals: Arrival[]) => arrivals.slice(1).map((a, i) => a.at - arrivals[i]!.at);

describe('GitHubRequestPolicy', () => {
  it('sends a request with a free slot (and a write with a free token) at once, with no timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    const policy = new GitHubRequestPolicy({ writeIntervalMs: 1000, writeBurst: 2 });
    // Under fake timers a timer never fires by itself: anything waiting on one would hang here.
    expect(await policy.send(async () => 'read', { method: 'GET', url: '/orgs/{org}/members' })).toBe('read');
    expect(await policy.send(async () => 'write', { method: 'DELETE', url: '/orgs/{org}/credential-authorizations/{credential_id}' })).toBe('write');
    expect(await policy.send(async () => 'notifying write', { method: 'DELETE', url: '/repos/{owner}/{repo}/collaborators/{username}' })).toBe('notifying write');
    expect(vi.getTimerCount()).toBe(0);
    // The burst of two is spent: the third write waits for the next token, one interval away.
    let third = false;
    const paced = policy.send(async () => (third = true), { method: 'DELETE', url: '/orgs/{org}/memberships/{username}' });
    await vi.advanceTimersByTimeAsync(900);
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await paced;
    expect(third).toBe(true);
  });

  it('spaces writes that notify someone (an invitation, a collaborator added) 3 s apart once the burst is spent; their removals take the ordinary pace', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    const policy = new GitHubRequestPolicy({ writeBurst: 1 });
    const sentAt: Array<[string, number]> = [];
    const send = (method: string, url: string) => policy.send(async () => sentAt.push([`${method} ${url}`, performance.now()]), { method, url });
    const started = performance.now();
    const writes = Promise.all([
      send('PUT', '/repos/{owner}/{repo}/collaborators/{username}'),
      send('PUT', '/repos/{owner}/{repo}/collaborators/{username}'),
      send('DELETE', '/repos/{owner}/{repo}/collaborators/{username}'),
      send('DELETE', '/repos/{owner}/{repo}/collaborators/{username}'),
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    await writes;
    const at = (method: string) => sentAt.filter(([what]) => what.startsWith(method)).map(([, time]) => Math.round(time - started));
    // The additions: at once, then 3 s later (the notifying pace). The removals wait only for
    // write tokens (one a second; the additions took the first two), not behind the 3 s pace.
    expect(at('PUT')[0]).toBe(0);
    expect(Math.abs(at('PUT')[1]! - 3000)).toBeLessThanOrEqual(2);
    expect(at('DELETE').map((t) => Math.round(t / 10) * 10)).toEqual([2000, 3000]);
  });

  it('retries 5xx and network errors 1, 4 then 9 "seconds" apart, and gives up after three retries', async () => {
    const github = await server((req, res, attempt) => {
      if (req.url === '/flaky') return attempt < 3 ? json(res, 502, { message: 'Bad Gateway' }) : json(res, 200, { ok: true });
      if (req.url === '/dropped') return attempt < 2 ? req.socket.destroy() : json(res, 200, { ok: true });
      json(res, 500, { message: 'Server Error' });
    });
    try {
      const octokit = github.client();
      expect((await octokit.request('GET /flaky')).data).toEqual({ ok: true });
      const flaky = github.arrivals.filter((a) => a.path === '/flaky');
      expect(flaky).toHaveLength(3);
      const [first, second] = gaps(flaky);
      expect(first).toBeGreaterThanOrEqual(1 * SECOND_MS - 2);
      expect(second).toBeGreaterThanOrEqual(4 * SECOND_MS - 2);
      expect((await octokit.request('GET /dropped')).data).toEqual({ ok: true });
      expect(github.arrivals.filter((a) => a.path === '/dropped')).toHaveLength(2);
      await expect(octokit.request('GET /broken')).rejects.toMatchObject({ status: 500 });
      expect(github.arrivals.filter((a) => a.path === '/broken')).toHaveLength(4);
    } finally {
      await github.close();
    }
  });

  it('does not retry answers that will not change (400, 401, 403, 404, 410, 422, 451)', async () => {
    const github = await server((req, res) => json(res, Number(req.url!.slice(1)), { message: 'no' }));
    try {
      const octokit = github.client();
      for (const status of [400, 401, 403, 404, 410, 422, 451]) await expect(octokit.request(`GET /${status}`)).rejects.toMatchObject({ status });
      expect(github.arrivals).toHaveLength(7);
    } finally {
      await github.close();
    }
  });

  it('waits out a secondary rate limit for its Retry-After, five times at most', async () => {
    const limited = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };
    const github = await server((req, res, attempt) => {
      if (req.url === '/once') return attempt === 1 ? json(res, 403, limited, { 'retry-after': '3' }) : json(res, 200, { ok: true });
      if (req.url === '/no-header') return attempt === 1 ? json(res, 429, limited) : json(res, 200, { ok: true });
      json(res, 403, limited, { 'retry-after': '1' });
    });
    try {
      const octokit = github.client();
      expect((await octokit.request('DELETE /once')).data).toEqual({ ok: true });
      expect(gaps(github.arrivals.filter((a) => a.path === '/once'))[0]).toBeGreaterThanOrEqual(3 * SECOND_MS - 2);
      // Without Retry-After GitHub asks for at least a minute.
      expect((await octokit.request('GET /no-header')).data).toEqual({ ok: true });
      expect(gaps(github.arrivals.filter((a) => a.path === '/no-header'))[0]).toBeGreaterThanOrEqual(60 * SECOND_MS - 2);
      await expect(octokit.request('GET /always')).rejects.toMatchObject({ status: 403 });
      expect(github.arrivals.filter((a) => a.path === '/always')).toHaveLength(6);
      // Inside a revoke (defineProvider's countingRetries), each retry is counted for the record.
      const counter = { retries: 0 };
      await expect(countingRetries(counter, () => octokit.request('DELETE /always'))).rejects.toMatchObject({ status: 403 });
      expect(counter.retries).toBe(5);
    } finally {
      await github.close();
    }
  });

  it('waits for the primary rate limit to reset, twice at most', async () => {
    const github = await server((req, res, attempt) => {
      const reset = String(Math.floor(Date.now() / 1000));
      const exhausted = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset };
      if (req.url === '/once') return attempt === 1 ? json(res, 403, { message: 'API rate limit exceeded' }, exhausted) : json(res, 200, { ok: true });
      json(res, 429, { message: 'API rate limit exceeded' }, exhausted);
    });
    try {
      const octokit = github.client();
      expect((await octokit.request('GET /once')).data).toEqual({ ok: true });
      expect(gaps(github.arrivals.filter((a) => a.path === '/once'))[0]).toBeGreaterThanOrEqual(1 * SECOND_MS - 2);
      await expect(octokit.request('GET /always')).rejects.toMatchObject({ status: 429 });
      expect(github.arrivals.filter((a) => a.path === '/always')).toHaveLength(3);
    } finally {
      await github.close();
    }
  });

  it('does not wait for an hourly limit that resets later than rateLimitWaitSeconds: fails at once, naming when', async () => {
    const resetAt = Math.floor(Date.now() / 1000) + 40 * 60;
    const github = await server((_req, res) => json(res, 403, { message: 'API rate limit exceeded for user ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) }));
    try {
      const started = performance.now();
      const error = await github.client({ rateLimitWaitSeconds: 60 }).request('DELETE /orgs/{org}/memberships/{username}', { org: 'acme', username: 'jane' }).catch((e: Error) => e);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(github.arrivals).toHaveLength(1);
      expect(error).toMatchObject({ status: 403 });
      const at = new Date(resetAt * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      expect((error as Error).message).toContain(`API rate limit exceeded for user ID 1. (the limit resets at ${at}, in 40 min: longer than rateLimitWaitSeconds, 60 s, lets revoke wait; what was done stays done, run again after it)`);
    } finally {
      await github.close();
    }
  });

  it('keeps at most 10 requests of a connection in flight; the rest wait for a slot', async () => {
    const github = await server((_req, res) => setTimeout(() => json(res, 200, { ok: true }), 30));
    try {
      const octokit = github.client();
      await Promise.all(Array.from({ length: 25 }, (_, i) => octokit.request(`GET /r${i}`)));
      expect(github.arrivals).toHaveLength(25);
      expect(github.maxInFlight()).toBe(10);
    } finally {
      await github.close();
    }
  });

  it('an App installation token is not paced as a write', async () => {
    const github = await server((_req, res) => json(res, 201, { ok: true }));
    try {
      // One write token, then a minute's pause: minting tokens must not spend it.
      const octokit = github.client({ writeIntervalMs: 60_000, writeBurst: 1 });
      await octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 7 });
      await octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 7 });
      await octokit.request('DELETE /orgs/{org}/memberships/{username}', { org: 'acme', username: 'jane' });
      expect(github.arrivals.map((a) => a.method)).toEqual(['POST', 'POST', 'DELETE']);
    } finally {
      await github.close();
    }
  });
});
