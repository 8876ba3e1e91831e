import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SandboxExchange } from '../../src/sandbox/exchange.js';

interface SlackMethod {
  responses: Record<'200' | 'default', { schema: object }>;
}

const subset = JSON.parse(readFileSync(new URL('../fixtures/slack-web-api.subset.json', import.meta.url), 'utf8')) as { paths: Record<string, { get: SlackMethod }>; definitions: Record<string, object> };

// ajv is CommonJS with a default export; load it the way its types describe.
const require = createRequire(import.meta.url);
const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
const ajv = new Ajv({ strict: false, allErrors: true });

/**
 * What is wrong with one Slack sandbox answer according to Slack's own Web API description:
 * `ok: true` bodies against the method's success schema, `ok: false` ones against its error
 * schema (HTTP 429 rate limiting is outside the description and not checked).
 */
export function slackSpecViolations(exchange: SandboxExchange): string[] {
  if (exchange.status === 429) return [];
  const method = subset.paths[`/${exchange.route}`]?.get;
  if (!method) return [`${exchange.method} ${exchange.path}: not a method of the Slack description subset`];
  const body = exchange.responseBody as { ok?: boolean };
  const schema = body.ok ? method.responses['200'].schema : method.responses.default.schema;
  const validate = ajv.compile({ ...schema, definitions: subset.definitions });
  return validate(body) ? [] : [`${exchange.route} answer: ${ajv.errorsText(validate.errors)}`];
}
