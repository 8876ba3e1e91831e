import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SandboxExchange } from '../exchange.js';
import { withRequestBody } from '../request-body.js';
import { listenOnLoopback } from '../listen.js';

export interface SlackTokenOwner {
  team: string;
  teamId: string;
  user: string;
  userId: string;
}

export interface SlackSandbox {
  /** The Web API base, as SLACK_API_URL: http://127.0.0.1:<port>/api */
  url: string;
  /** Live tokens and whom they belong to; auth.revoke removes them. */
  tokens: Map<string, SlackTokenOwner>;
  exchanges: SandboxExchange[];
  /** Answer the next n calls HTTP 429 with Retry-After: 1 (Slack's rate limiting). */
  rateLimitNext: (n: number) => void;
  close(): Promise<void>;
}

/**
 * Slack's Web API methods `revoke secret` uses, on 127.0.0.1: auth.test (who a token is) and
 * auth.revoke (the token revokes itself; `test=true` only checks). Tokens come as a Bearer header
 * or a `token` form field; errors are HTTP 200 with `ok: false` as Slack answers them; rate
 * limiting is HTTP 429 with Retry-After.
 */
export async function startSlackSandbox(options: { port?: number } = {}): Promise<SlackSandbox> {
  const tokens = new Map<string, SlackTokenOwner>();
  const exchanges: SandboxExchange[] = [];
  let limited = 0;

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = url.pathname.replace(/^\/api\//, '');
    const form = req.headers['content-type']?.includes('application/json') ? new URLSearchParams(Object.entries(JSON.parse(raw || '{}') as Record<string, string>)) : new URLSearchParams(raw);
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? form.get('token') ?? undefined;
    const exchange: SandboxExchange = { method: req.method ?? 'GET', route: method, path: url.pathname, query: Object.fromEntries(url.searchParams), requestBody: { test: form.get('test') ?? undefined }, status: 0, responseBody: undefined, mutating: method === 'auth.revoke' && form.get('test') !== 'true' && form.get('test') !== '1' };
    exchanges.push(exchange);
    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      exchange.status = status;
      exchange.responseBody = body;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (limited > 0) {
      limited--;
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    }
    const owner = token ? tokens.get(token) : undefined;
    if (method === 'auth.test') {
      if (!token) return send(200, { ok: false, error: 'not_authed' });
      if (!owner) return send(200, { ok: false, error: 'invalid_auth' });
      return send(200, { ok: true, url: `https://${owner.team.toLowerCase()}.slack.com/`, team: owner.team, user: owner.user, team_id: owner.teamId, user_id: owner.userId });
    }
    if (method === 'auth.revoke') {
      if (!token) return send(200, { ok: false, error: 'not_authed' });
      if (!owner) return send(200, { ok: false, error: 'invalid_auth' });
      const test = form.get('test') === 'true' || form.get('test') === '1';
      if (!test) tokens.delete(token);
      return send(200, { ok: true, revoked: !test });
    }
    return send(404, { ok: false, error: 'unknown_method' });
  }

  const server = createServer(withRequestBody(handle));
  const { port, close } = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/api`,
    tokens,
    exchanges,
    rateLimitNext: (n) => (limited = n),
    close,
  };
}
