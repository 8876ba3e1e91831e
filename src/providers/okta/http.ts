import { ReadOnlyViolation } from '../read-only.js';
import { withCachedReads } from '../read-cache.js';
import { addRetries } from '../retry-count.js';

/** An Okta API error answer: status plus Okta's errorCode / errorSummary / errorCauses. Never holds a credential. */
export class OktaApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorSummary: string,
    readonly causes: string[],
  ) {
    super(`HTTP ${status}${errorCode ? ` ${errorCode}` : ''}: ${errorSummary}${causes.length ? ` (${causes.join('; ')})` : ''}`);
    this.name = 'OktaApiError';
  }
}

export interface OktaHttpOptions {
  orgUrl: string;
  /** The Authorization header value ("SSWS …" or "Bearer …"), fetched per request so an access token can be renewed. */
  authorization: () => Promise<string>;
  concurrency: number;
  maxRetries: number;
}

interface Pacing {
  /** When the org's current rate-limit window resets, if it said nothing is left (ms since epoch). */
  blockedUntil: number;
  inFlight: number;
  queue: Array<() => void>;
  /** The waiting entries of `queue` that are writes. */
  writes: Set<() => void>;
}

const MAX_WAIT_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A thin client for Okta's management API (the operations in Okta's published OpenAPI
 * description that the provider uses): JSON over fetch, Link-header paging, and Okta's rate
 * limits honoured: at most `concurrency` requests in flight, a pause until X-Rate-Limit-Reset when
 * X-Rate-Limit-Remaining reaches 0, and 429s, 5xx and dropped connections retried (429 after the
 * reset, the others with backoff).
 */
export class OktaHttp {
  private readonly pacing: Pacing;

  constructor(
    private readonly options: OktaHttpOptions,
    readonly readOnly = false,
    pacing?: Pacing,
  ) {
    this.pacing = pacing ?? { blockedUntil: 0, inFlight: 0, queue: [], writes: new Set() };
  }

  /** The same org and pacing, refusing every method but GET: what discovery, audits and watch get. */
  readOnlyView(): OktaHttp {
    return new OktaHttp(this.options, true, this.pacing);
  }

  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    return (await this.request('GET', path, { query })).body as T;
  }

  /** Every page of a list, following `Link: <…>; rel="next"`. */
  async list<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = this.url(path, query);
    while (next) {
      const { body, link } = await this.request('GET', next, {});
      items.push(...(body as T[]));
      next = nextLink(link);
    }
    return items;
  }

  async send(method: 'POST' | 'DELETE' | 'PUT', path: string, options: { query?: Record<string, string>; json?: unknown } = {}): Promise<unknown> {
    return (await this.request(method, path, options)).body;
  }

  private url(path: string, query: Record<string, string> = {}): string {
    if (/^https?:\/\//.test(path)) return path;
    const url = new URL(path, this.options.orgUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }

  private async request(method: string, path: string, options: { query?: Record<string, string>; json?: unknown }): Promise<{ body: unknown; link: string | null }> {
    if (this.readOnly && method !== 'GET') throw new ReadOnlyViolation(`${method} ${path.split('?')[0]}`);
    const url = this.url(path, options.query);
    // Paging links come from the server: follow them only on the org itself.
    if (new URL(url).origin !== new URL(this.options.orgUrl).origin) throw new Error(`refusing to follow a link off the org (${new URL(url).origin})`);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.paced(method !== 'GET', async () => {
          const answer = await fetch(url, {
            method,
            headers: { accept: 'application/json', authorization: await this.options.authorization(), 'user-agent': 'revoke', ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
          });
          // Before the slot is released, so the next request already sees an exhausted window.
          this.notePacing(answer);
          return answer;
        });
      } catch (error) {
        // A dropped connection (fetch's "fetch failed"): retried like a 5xx. Every write here is
        // safe to repeat: a second removal answers 404 and the fresh read of the 404 rule decides.
        if (!(error instanceof TypeError) || !/fetch failed/.test(error.message)) throw error;
        if (attempt >= this.options.maxRetries) throw new Error(`cannot reach ${new URL(url).origin}: ${String((error.cause as Error | undefined)?.message ?? error.message)}`);
        this.noteRetry();
        await sleep(this.backoffMs(attempt));
        continue;
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < this.options.maxRetries) {
        await response.arrayBuffer();
        this.noteRetry();
        await sleep(response.status === 429 ? this.waitForReset(response) : this.backoffMs(attempt));
        continue;
      }
      const text = await response.text();
      const body = text ? parseJson(text) : undefined;
      if (!response.ok) throw errorOf(response.status, body);
      return { body, link: response.headers.get('link') };
    }
  }

  private noteRetry(): void {
    addRetries();
  }

  /** Exponential backoff with jitter: 100-200 ms, then 200-400 ms, ... */
  private backoffMs(attempt: number): number {
    return Math.min(MAX_WAIT_MS, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
  }

  /**
   * At most `concurrency` requests in flight; none while the org said its window is used up. A
   * write waits ahead of every queued read: containment sent while discovery's reads fill the
   * slots takes the next free one.
   */
  private async paced<T>(write: boolean, run: () => Promise<T>): Promise<T> {
    const { pacing } = this;
    while (pacing.inFlight >= this.options.concurrency) {
      await new Promise<void>((resolve) => {
        if (!write) return void pacing.queue.push(resolve);
        // Behind the writes already waiting (their order kept), ahead of the reads.
        const firstRead = pacing.queue.findIndex((waiting) => !pacing.writes.has(waiting));
        pacing.writes.add(resolve);
        pacing.queue.splice(firstRead < 0 ? pacing.queue.length : firstRead, 0, resolve);
      });
    }
    pacing.inFlight += 1;
    try {
      const wait = pacing.blockedUntil - Date.now();
      if (wait > 0) await sleep(Math.min(wait, MAX_WAIT_MS));
      return await run();
    } finally {
      pacing.inFlight -= 1;
      const next = pacing.queue.shift();
      if (next) {
        pacing.writes.delete(next);
        next();
      }
    }
  }

  private notePacing(response: Response): void {
    if (response.headers.get('x-rate-limit-remaining') === '0') this.pacing.blockedUntil = Math.max(this.pacing.blockedUntil, Date.now() + this.waitForReset(response));
  }

  /** Milliseconds until X-Rate-Limit-Reset (epoch seconds), measured against the server's Date to avoid clock skew. */
  private waitForReset(response: Response): number {
    const reset = Number(response.headers.get('x-rate-limit-reset'));
    if (!Number.isFinite(reset) || reset <= 0) return 1000;
    const serverNow = Date.parse(response.headers.get('date') ?? '') || Date.now();
    // The Date header has whole seconds; a little slack keeps us from arriving early.
    return Math.min(MAX_WAIT_MS, Math.max(0, reset * 1000 - serverNow) + 100 + Math.random() * 200);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function nextLink(link: string | null): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}

function errorOf(status: number, body: unknown): OktaApiError {
  if (body && typeof body === 'object') {
    const { errorCode, errorSummary, errorCauses, error, error_description } = body as Record<string, unknown>;
    const causes = Array.isArray(errorCauses) ? errorCauses.map((c) => String((c as { errorSummary?: unknown }).errorSummary ?? '')).filter(Boolean) : [];
    if (typeof errorSummary === 'string') return new OktaApiError(status, typeof errorCode === 'string' ? errorCode : undefined, errorSummary, causes);
    if (typeof error === 'string') return new OktaApiError(status, error, typeof error_description === 'string' ? error_description : error, []);
  }
  return new OktaApiError(status, undefined, status === 404 ? 'Not Found' : `unexpected answer`, []);
}

/** A read-only view of `http` on which identical reads are sent once: one run's containment and discovery. */
export function cachedOktaReads(http: OktaHttp): OktaHttp {
  return withCachedReads(http.readOnlyView(), (method) => method === 'get' || method === 'list');
}
