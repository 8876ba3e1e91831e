import type { Client } from '@microsoft/microsoft-graph-client';

/** A Graph collection page as OData returns it. */
interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** One GET inside a $batch, answered with its own status and body. */
export interface BatchAnswer {
  status: number;
  body: unknown;
}

/**
 * The calls revoke makes to Microsoft Graph, over the maintained Graph client (auth, retries with
 * Retry-After). Discovery, audits and watch get `readOnlyGraph(api)`, which has no way to write.
 */
export interface GraphApi {
  get<T>(path: string): Promise<T>;
  /** Every item of a collection, following @odata.nextLink. */
  list<T>(path: string): Promise<T[]>;
  /** GETs in one POST /$batch round trip (at most 20), answers in request order. BatchRequestContent keeps only the path of each URL, so the host here is a placeholder. */
  batchGet(paths: string[]): Promise<BatchAnswer[]>;
  patch(path: string, body: Record<string, unknown>): Promise<void>;
  post(path: string, body?: Record<string, unknown>): Promise<unknown>;
  delete(path: string): Promise<void>;
}

export const BATCH_LIMIT = 20;
const RETRYABLE = new Set([429, 503, 504]);
const MAX_ITEM_WAIT_SECONDS = 180;

/** The SDK's BatchRequestContent comes in from connect(): this module is also loaded by `validate`, which must not load the SDK. */
export function graphApi(client: Client, BatchRequestContent: typeof import('@microsoft/microsoft-graph-client').BatchRequestContent): GraphApi {
  return {
    get: (path) => client.api(path).get(),
    async list<T>(path: string) {
      const items: T[] = [];
      let page = (await client.api(path).get()) as Page<T>;
      items.push(...page.value);
      while (page['@odata.nextLink']) {
        page = (await client.api(page['@odata.nextLink']).get()) as Page<T>;
        items.push(...page.value);
      }
      return items;
    },
    async batchGet(paths) {
      if (paths.length === 0) return [];
      if (paths.length > BATCH_LIMIT) throw new Error(`a Graph batch holds at most ${BATCH_LIMIT} requests`);
      const content = new BatchRequestContent(paths.map((path, i) => ({ id: String(i), request: new Request(`https://graph.microsoft.com${path}`, { method: 'GET' }) })));
      const answer = (await client.api('/$batch').post(await content.getContent())) as { responses: Array<{ id: string; status: number; headers?: Record<string, string>; body?: unknown }> };
      const byId = new Map(answer.responses.map((r) => [r.id, r]));
      // Graph throttles requests inside a batch one by one (429/503 in the item, with its own
      // Retry-After): after waiting that long, those are sent again on their own.
      const throttled = answer.responses.filter((r) => RETRYABLE.has(r.status));
      const retryAfter = (r: { headers?: Record<string, string> }) => Number(Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1] ?? 'none');
      const waitSeconds = Math.max(0, ...throttled.map((r) => (Number.isFinite(retryAfter(r)) ? retryAfter(r) : 1)));
      if (throttled.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(waitSeconds, MAX_ITEM_WAIT_SECONDS) * 1000));
      return Promise.all(
        paths.map(async (path, i) => {
          const item = byId.get(String(i));
          if (item && !RETRYABLE.has(item.status)) return { status: item.status, body: item.body };
          try {
            return { status: 200, body: await client.api(path).get() };
          } catch (error) {
            const status = (error as { statusCode?: number }).statusCode ?? 0;
            return { status, body: { error: { code: (error as { code?: string }).code, message: (error as Error).message } } };
          }
        }),
      );
    },
    patch: async (path, body) => {
      await client.api(path).patch(body);
    },
    post: (path, body) => client.api(path).post(body ?? {}),
    delete: async (path) => {
      await client.api(path).delete();
    },
  };
}

/** The same API without writes: discovery has no path to a mutating call. */
export function readOnlyGraph(api: GraphApi): GraphApi {
  const refuse = (method: string) => async (path: string) => {
    throw new Error(`refused ${method} ${path}: discovery, audits and watch are read-only`);
  };
  return { get: api.get, list: api.list, batchGet: api.batchGet, patch: refuse('PATCH'), post: refuse('POST'), delete: refuse('DELETE') };
}
