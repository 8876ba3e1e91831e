import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { GoogleExchange } from '../../src/sandbox/google/server.js';

/**
 * Checks Google sandbox exchanges against Google's discovery documents (the extract in
 * test/fixtures, see scripts/extract-google-spec.mjs): the method must exist for the HTTP verb
 * and path, path and query parameters must be documented and match their type, enum, pattern and
 * range, a request body must match the method's request schema (and only methods with one may
 * send a body), a success must match the response schema (a method without one answers with no
 * body), and an error must have Google's JSON error shape with the status as its code.
 */
interface Parameter {
  type: string;
  location: 'path' | 'query';
  required?: boolean;
  enum?: string[];
  pattern?: string;
  minimum?: string;
  maximum?: string;
  repeated?: boolean;
}
interface Method {
  httpMethod: string;
  path: string;
  parameters: Record<string, Parameter>;
  request?: { $ref: string };
  response?: { $ref: string };
}
interface Api {
  id: string;
  parameters: Record<string, Parameter>;
  methods: Record<string, Method>;
  schemas: Record<string, unknown>;
}

const subset = JSON.parse(readFileSync(new URL('../fixtures/google-discovery.subset.json', import.meta.url), 'utf8')) as { source: string; apis: Record<string, Api> };
export const discoverySource = subset.source;

const require = createRequire(import.meta.url);
const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

/** A discovery schema in JSON Schema terms: `any` is anything, $ref points into definitions, only date-time formats are checked. */
function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = `#/definitions/${String(value)}`;
    else if (key === 'type' && value === 'any') continue;
    else if (key === 'format') {
      if (value === 'date-time') out.format = value;
    } else if (['description', 'id', 'annotations', 'default', 'enumDescriptions', 'readOnly', 'required'].includes(key)) continue;
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as object).map(([name, inner]) => [name, jsonSchemaOf(inner)]));
    else out[key] = jsonSchemaOf(value);
  }
  return out;
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(api: string, ref: string): ValidateFunction {
  const key = `${api}/${ref}`;
  let validate = validators.get(key);
  if (!validate) {
    const definitions = Object.fromEntries(Object.entries(subset.apis[api]!.schemas).map(([name, schema]) => [name, jsonSchemaOf(schema)]));
    validate = ajv.compile({ definitions, $ref: `#/definitions/${ref}` });
    validators.set(key, validate);
  }
  return validate;
}

const errorShape = ajv.compile({
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'errors'],
      properties: { code: { type: 'integer' }, message: { type: 'string' }, errors: { type: 'array', minItems: 1, items: { type: 'object', required: ['message', 'reason'], properties: { message: { type: 'string' }, reason: { type: 'string' }, domain: { type: 'string' } } } } },
    },
  },
});

const routes = Object.entries(subset.apis).flatMap(([api, { methods }]) =>
  Object.entries(methods).map(([id, method]) => {
    const names: string[] = [];
    const servicePath = method.path.replace(/^admin\/(directory|datatransfer|reports)\/v1\//, '');
    const pattern = new RegExp(`^${servicePath.replace(/\{\+?(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    return { api, id, method, names, pattern };
  }),
);

function parameterProblems(where: string, name: string, raw: string, parameter: Parameter): string[] {
  const problems = [];
  if (parameter.type === 'integer') {
    const n = Number(raw);
    if (!Number.isInteger(n)) problems.push(`${where}: ${name}=${raw} is not an integer`);
    if (parameter.minimum !== undefined && n < Number(parameter.minimum)) problems.push(`${where}: ${name}=${raw} is below ${parameter.minimum}`);
    if (parameter.maximum !== undefined && n > Number(parameter.maximum)) problems.push(`${where}: ${name}=${raw} is above ${parameter.maximum}`);
  }
  if (parameter.type === 'boolean' && raw !== 'true' && raw !== 'false') problems.push(`${where}: ${name}=${raw} is not a boolean`);
  if (parameter.enum && !parameter.enum.includes(raw)) problems.push(`${where}: ${name}=${raw} is not one of ${parameter.enum.join(', ')}`);
  if (parameter.pattern && !new RegExp(`^(?:${parameter.pattern})$`).test(raw)) problems.push(`${where}: ${name}=${raw} does not match ${parameter.pattern}`);
  return problems;
}

export function discoveryViolations(exchange: GoogleExchange): string[] {
  if (exchange.api !== 'directory' && exchange.api !== 'datatransfer' && exchange.api !== 'reports') return [];
  const where = `${exchange.method} ${exchange.api}:${exchange.path} -> ${exchange.status}`;
  const route = routes.find((r) => r.api === exchange.api && r.method.httpMethod === exchange.method && r.pattern.test(exchange.path));
  if (!route) return [`${where}: no ${exchange.method} method with this path in Google's discovery document`];
  const { method, api } = route;
  const problems: string[] = [];
  const values = route.pattern.exec(exchange.path)!.slice(1);
  route.names.forEach((name, i) => problems.push(...parameterProblems(where, name, decodeURIComponent(values[i]!), method.parameters[name]!)));
  const globals = subset.apis[api]!.parameters;
  for (const [name, raw] of Object.entries(exchange.query)) {
    const parameter = method.parameters[name]?.location === 'query' ? method.parameters[name] : globals[name];
    if (!parameter) {
      problems.push(`${where}: query parameter ${name} is not documented for ${route.id}`);
      continue;
    }
    if (Array.isArray(raw) && !parameter.repeated) problems.push(`${where}: ${name} is sent more than once`);
    for (const value of [raw].flat()) problems.push(...parameterProblems(where, name, value, parameter));
  }
  for (const [name, parameter] of Object.entries(method.parameters)) if (parameter.location === 'query' && parameter.required && !(name in exchange.query)) problems.push(`${where}: required ${name} is missing`);
  if (exchange.requestBody !== undefined) {
    if (!method.request) problems.push(`${where}: ${route.id} takes no request body`);
    else {
      const validate = validatorFor(api, method.request.$ref);
      if (!validate(exchange.requestBody)) problems.push(`${where}: request body: ${ajv.errorsText(validate.errors)}`);
    }
  }
  if (exchange.status >= 200 && exchange.status < 300) {
    if (method.response) {
      const validate = validatorFor(api, method.response.$ref);
      if (!validate(exchange.responseBody)) problems.push(`${where}: response body: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`);
    } else if (exchange.responseBody !== undefined) {
      problems.push(`${where}: ${route.id} has no response body`);
    }
  } else if (!errorShape(exchange.responseBody) || (exchange.responseBody as { error: { code: number } }).error.code !== exchange.status) {
    problems.push(`${where}: not Google's JSON error shape: ${ajv.errorsText(errorShape.errors)}`);
  }
  return problems;
}
