import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { SandboxExchange } from '../../src/sandbox/exchange.js';

/** One request to a sandbox and its answer, as the spec check sees it. */
export type SpecExchange = Omit<SandboxExchange, 'mutating'>;

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: object }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

interface SpecSubset {
  source: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
}

// ajv is CommonJS with a default export; load it the way its types describe.
const require = createRequire(import.meta.url);
const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms (ajv accepts it only next to `type`),
 * `#/components/...` references pointed at the spec registered under `refBase`, and a `oneOf`
 * with a `discriminator` as `anyOf`: the discriminator picks the one schema, so bodies that several
 * alternatives describe (a standard role is also a valid custom role) are not ambiguous.
 */
function jsonSchemaOf(schema: unknown, refBase: string, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => jsonSchemaOf(item, refBase, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  if (seen.has(schema)) return seen.get(schema);
  const out: Record<string, unknown> = {};
  seen.set(schema, out);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'discriminator') continue;
    if (key === 'oneOf' && 'discriminator' in schema) out.anyOf = jsonSchemaOf(value, refBase, seen);
    else if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${refBase}${value}`;
    else out[key] = key === 'example' || key === 'examples' ? value : jsonSchemaOf(value, refBase, seen);
  }
  if ((schema as { nullable?: boolean }).nullable) {
    const copy = { ...out };
    for (const key of Object.keys(out)) delete out[key];
    out.anyOf = [copy, { type: 'null' }];
  }
  return out;
}

/**
 * Checks sandbox exchanges against a vendor's OpenAPI description (an extract in test/fixtures):
 * the operation must exist, query parameters and request bodies must match it, and the status and
 * response body must be documented for it. `wideStatuses` are answers the vendor gives on any
 * operation (authentication, hidden resources, rate limits, errors).
 */
export function openApiChecker(fixture: string, options: { vendor: string; wideStatuses: number[]; freeTextFormats?: string[] }) {
  const spec = JSON.parse(readFileSync(new URL(`../fixtures/${fixture}`, import.meta.url), 'utf8')) as SpecSubset;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Some descriptions use `format` as prose ("ISO 8601 compliant timestamp"): no check, no warning.
  for (const format of options.freeTextFormats ?? []) ajv.addFormat(format, true);
  const refBase = `spec:${fixture}`;
  if (spec.components) ajv.addSchema(jsonSchemaOf({ components: spec.components }, refBase) as object, refBase);
  const compiled = new WeakMap<object, ValidateFunction>();
  const validatorFor = (schema: object) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(jsonSchemaOf(schema, refBase) as object);
      compiled.set(schema, validate);
    }
    return validate;
  };
  const wide = new Set(options.wideStatuses);

  function specViolations(exchange: SpecExchange): string[] {
    const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    if (!exchange.route) return exchange.status === 404 ? [] : [`${where}: no route`];
    const operation = spec.paths[exchange.route]?.[exchange.method.toLowerCase()];
    if (!operation) return [`${where}: ${exchange.method} ${exchange.route} is not in ${options.vendor}'s OpenAPI description`];
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
      const value = schema.type === 'array' ? values : schema.type === 'integer' ? Number(values[0]) : schema.type === 'boolean' && (values[0] === 'true' || values[0] === 'false') ? values[0] === 'true' : values[0];
      const validate = validatorFor(parameter.schema);
      if (!validate(value)) problems.push(`${where}: query ${name}=${JSON.stringify(raw)}: ${ajv.errorsText(validate.errors)}`);
    }
    const content = operation.requestBody?.content;
    const bodySchema = content?.['application/json']?.schema ?? content?.['application/x-www-form-urlencoded']?.schema;
    if (bodySchema && exchange.requestBody !== undefined) {
      const validate = validatorFor(bodySchema);
      if (!validate(exchange.requestBody)) problems.push(`${where}: request body: ${ajv.errorsText(validate.errors)}`);
    }
    const response = operation.responses[String(exchange.status)];
    if (!response) {
      if (!wide.has(exchange.status)) problems.push(`${where}: status ${exchange.status} is not documented for this operation`);
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

  return { source: spec.source, specViolations };
}

/** GitHub's official OpenAPI description (the extract from @octokit/openapi; see scripts/extract-github-spec.mjs). */
const github = openApiChecker('github-openapi.subset.json', { vendor: 'GitHub', wideStatuses: [401, 403, 404, 422, 429, 500] });

export const specSource = github.source;
export const specViolations = github.specViolations;
