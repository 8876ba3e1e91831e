#!/usr/bin/env node
// Extracts, from Slack's official Web API description (github.com/slackapi/slack-api-specs,
// web-api/slack_web_openapi_v2.json, Swagger 2.0), the methods the Slack sandbox implements and
// the definitions they reference, into test/fixtures/slack-web-api.subset.json. The tests
// validate every answer the sandbox gives against it. To refresh it:
//   git clone https://github.com/slackapi/slack-api-specs /tmp/slack-api-specs
//   node scripts/extract-slack-spec.mjs /tmp/slack-api-specs/web-api/slack_web_openapi_v2.json <commit>
import { readFileSync, writeFileSync } from 'node:fs';

export const METHODS = ['/auth.test', '/auth.revoke'];

const [file, commit = 'unknown'] = process.argv.slice(2);
if (!file) throw new Error('usage: extract-slack-spec.mjs <slack_web_openapi_v2.json> [commit]');
const spec = JSON.parse(readFileSync(file, 'utf8'));
const paths = {};
for (const path of METHODS) {
  if (!spec.paths[path]) throw new Error(`${path} is not in the spec`);
  paths[path] = spec.paths[path];
}
// Every definition the methods reference, transitively.
const definitions = {};
const pending = [JSON.stringify(paths)];
while (pending.length > 0) {
  for (const [, name] of pending.pop().matchAll(/"#\/definitions\/([^"]+)"/g)) {
    if (definitions[name]) continue;
    definitions[name] = spec.definitions[name];
    pending.push(JSON.stringify(definitions[name]));
  }
}
const subset = { source: `slackapi/slack-api-specs@${commit} web-api/slack_web_openapi_v2.json`, swagger: spec.swagger, info: spec.info, paths, definitions };
writeFileSync(new URL('../test/fixtures/slack-web-api.subset.json', import.meta.url), `${JSON.stringify(subset)}\n`);
console.log(`wrote ${METHODS.length} methods and ${Object.keys(definitions).length} definitions from ${subset.source}`);
