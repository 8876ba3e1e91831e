import type { EntraExchange } from '../../src/sandbox/entra/server.js';
import { openApiChecker } from './openapi.js';

/**
 * Checks Entra sandbox exchanges against Microsoft Graph's published v1.0 description (the
 * extract in test/fixtures, from msgraph-metadata's CSDL; see scripts/extract-msgraph-spec.mjs):
 * the operation must exist, query options must be OData's, PATCH bodies must be properties of
 * the type, and every status and body must be what the operation returns, or Graph's OData error.
 * JSON batching (POST /$batch) is checked against Graph's documented batch format, and each
 * request inside it as its own exchange. The token endpoint is the identity platform's, not
 * Graph's: it is not checked.
 */
const graph = openApiChecker('msgraph-v1.0.subset.json', { vendor: 'Microsoft Graph', wideStatuses: [] });

export const specSource = graph.source;

export function graphSpecViolations(exchange: EntraExchange): string[] {
  if (exchange.route === 'token') return [];
  // Graph answers a path it does not have with 400 BadRequest ("Resource not found for the segment").
  if (!exchange.route) return exchange.status === 400 ? [] : [`${exchange.method} ${exchange.path} -> ${exchange.status}: no route`];
  return graph.specViolations(exchange);
}
