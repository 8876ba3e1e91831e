import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { EntraExchange } from '../../src/sandbox/entra/server.js';

/**
 * Checks Entra sandbox exchanges against Microsoft Graph's published v1.0 description (the
 * extract in test/fixtures, from msgraph-metadata's CSDL; see scripts/extract-msgraph-spec.mjs):
 * the operation must exist, query options must be OData's, PATCH bodies must be properties of
 * the type, and every status and body must be what the operation returns, or Graph's OData
 * error for 400/401/403/404/429/503. JSON batching (POST /$batch) is not in the description:
 * the envelope is checked against Graph's documented batch format and each request inside it
 * as its own exchange. The token endpoint is the identity platform's, not Graph's: not checked.
 */
const text = readFileSync(new URL('../fixtures/msgraph-v1.0.subset.json', import.meta.url), 'utf8').replaceAll('"#/components/schemas/', '"msgraph#/components/schemas/');
const spec = JSON.parse(text) as { source: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

interface Operation {
  parameters: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

const require = createRequire(import.meta.url);
const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'msgraph', components: spec.components });

const compiled = new WeakMap<object, ValidateFunction>();
const validatorFor = (schema: object) => {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  return validate;
};
const odataError = { $ref: 'msgraph#/components/schemas/microsoft.graph.ODataErrors.ODataError' };
const batchEnvelope = {
  request: { type: 'object', required: ['requests'], additionalProperties: false, properties: { requests: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', required: ['id', 'method', 'url'], properties: { id: { type: 'string' }, method: { type: 'string' }, url: { type: 'string', pattern: '^/' }, headers: { type: 'object' }, body: {}, dependsOn: { type: 'array' } }, additionalProperties: false } } } },
  response: { type: 'object', required: ['responses'], properties: { responses: { type: 'array', items: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'integer' }, headers: { type: 'object' }, body: {} }, additionalProperties: false } } } },
};
const GRAPH_WIDE = new Set([400, 401, 403, 404, 429, 503]);

export const specSource = spec.source;

export function graphSpecViolations(exchange: EntraExchange): string[] {
  const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
  const check = (schema: object, value: unknown, what: string) => {
    const validate = validatorFor(schema);
    return validate(value) ? [] : [`${where}: ${what}: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`];
  };
  if (exchange.route === 'token') return [];
  if (exchange.route === '/$batch') return [...check(batchEnvelope.request, exchange.requestBody, 'batch request'), ...check(batchEnvelope.response, exchange.responseBody, 'batch response')];
  if (!exchange.route) return exchange.status === 400 ? check(odataError, exchange.responseBody, 'error body') : [`${where}: no route`];
  const operation = spec.paths[exchange.route]?.[exchange.method.toLowerCase()];
  if (!operation) return [`${where}: ${exchange.method} ${exchange.route} is not in Microsoft Graph's v1.0 description`];
  const problems: string[] = [];
  const documented = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(exchange.query)) if (!documented.has(name)) problems.push(`${where}: query parameter ${name} is not an OData query option`);
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  if (bodySchema && exchange.requestBody !== undefined) problems.push(...check(bodySchema, exchange.requestBody, 'request body'));
  const response = operation.responses[String(exchange.status)];
  if (!response) {
    if (!GRAPH_WIDE.has(exchange.status)) return [...problems, `${where}: status ${exchange.status} is not documented for this operation`];
    return [...problems, ...check(odataError, exchange.responseBody, 'error body')];
  }
  const responseSchema = response.content?.['application/json']?.schema;
  if (responseSchema) problems.push(...check(responseSchema, exchange.responseBody, 'response body'));
  else if (exchange.responseBody !== undefined) problems.push(`${where}: a ${exchange.status} must have no body`);
  return problems;
}
