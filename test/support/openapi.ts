import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { Exchange } from '../../src/sandbox/github/server.js';

/**
 * Checks GitHub sandbox exchanges against GitHub's official OpenAPI description (the extract in
 * test/fixtures, from @octokit/openapi; see scripts/extract-github-spec.mjs): the operation must
 * exist, query parameters and request bodies must match it, and the status and response body
 * must be documented for it. 401/403/404/422/429/500 are GitHub-wide answers (authentication,
 * hidden resources, rate limits, errors) and are accepted on any operation.
 */
const spec = JSON.parse(readFileSync(new URL('../fixtures/github-openapi.subset.json', import.meta.url), 'utf8')) as {
  source: string;
  paths: Record<string, Record<string, Operation>>;
};

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: object }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

// ajv is CommonJS with a default export; load it the way its types describe.
const require = createRequire(import.meta.url);
const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
/** OpenAPI 3.0's `nullable: true` in JSON Schema terms (ajv accepts it only next to `type`). */
function jsonSchemaOf(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => jsonSchemaOf(item, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  if (seen.has(schema)) return seen.get(schema);
  const out: Record<string, unknown> = {};
  seen.set(schema, out);
  for (const [key, value] of Object.entries(schema)) if (key !== 'nullable') out[key] = key === 'example' || key === 'examples' ? value : jsonSchemaOf(value, seen);
  if ((schema as { nullable?: boolean }).nullable) {
    const copy = { ...out };
    for (const key of Object.keys(out)) delete out[key];
    out.anyOf = [copy, { type: 'null' }];
  }
  return out;
}

const compiled = new WeakMap<object, ValidateFunction>();
const validatorFor = (schema: object) => {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(jsonSchemaOf(schema) as object);
    compiled.set(schema, validate);
  }
  return validate;
};

const GITHUB_WIDE = new Set([401, 403, 404, 422, 429, 500]);

export const specSource = spec.source;

export function specViolations(exchange: Exchange): string[] {
  const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
  if (!exchange.route) return exchange.status === 404 ? [] : [`${where}: no route`];
  const operation = spec.paths[exchange.route]?.[exchange.method.toLowerCase()];
  if (!operation) return [`${where}: ${exchange.method} ${exchange.route} is not in GitHub's OpenAPI description`];
  const problems: string[] = [];
  const documented = new Map((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
  for (const [name, raw] of Object.entries(exchange.query)) {
    const parameter = documented.get(name);
    if (!parameter) {
      problems.push(`${where}: query parameter ${name} is not documented`);
      continue;
    }
    const schema = parameter.schema as { type?: string };
    const values = [raw].flat();
    const value = schema.type === 'array' ? values : schema.type === 'integer' ? Number(values[0]) : schema.type === 'boolean' ? values[0] === 'true' : values[0];
    const validate = validatorFor(parameter.schema);
    if (!validate(value)) problems.push(`${where}: query ${name}=${JSON.stringify(raw)}: ${ajv.errorsText(validate.errors)}`);
  }
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  if (bodySchema && exchange.requestBody !== undefined) {
    const validate = validatorFor(bodySchema);
    if (!validate(exchange.requestBody)) problems.push(`${where}: request body: ${ajv.errorsText(validate.errors)}`);
  }
  const response = operation.responses[String(exchange.status)];
  if (!response) {
    if (!GITHUB_WIDE.has(exchange.status)) problems.push(`${where}: status ${exchange.status} is not documented for this operation`);
    return problems;
  }
  const responseSchema = response.content?.['application/json']?.schema;
  if (responseSchema) {
    const validate = validatorFor(responseSchema);
    if (!validate(exchange.responseBody)) problems.push(`${where}: response body: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`);
  } else if (exchange.status === 204 && exchange.responseBody !== undefined) {
    problems.push(`${where}: a 204 must have no body`);
  }
  return problems;
}
