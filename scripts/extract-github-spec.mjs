#!/usr/bin/env node
// Extracts, from GitHub's official OpenAPI description (the @octokit/openapi package, GHEC
// flavour, dereferenced), the operations the GitHub sandbox implements, into
// test/fixtures/github-openapi.subset.json. The tests validate every request the sandbox receives
// and every response it sends against it. The full package is ~385 MB, too heavy for every
// `npm ci`, so only this extract is committed. To refresh it:
//   npm install --no-save @octokit/openapi@<version> && node scripts/extract-github-spec.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('@octokit/openapi/package.json');
const spec = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/ghec.deref.json'), 'utf8'));

export const OPERATIONS = [
  ['get', '/user'],
  ['get', '/orgs/{org}'],
  ['get', '/orgs/{org}/members'],
  ['get', '/orgs/{org}/members/{username}'],
  ['get', '/orgs/{org}/memberships/{username}'],
  ['put', '/orgs/{org}/memberships/{username}'],
  ['delete', '/orgs/{org}/memberships/{username}'],
  ['get', '/orgs/{org}/teams'],
  ['get', '/orgs/{org}/teams/{team_slug}/memberships/{username}'],
  ['get', '/orgs/{org}/outside_collaborators'],
  ['delete', '/orgs/{org}/outside_collaborators/{username}'],
  ['get', '/orgs/{org}/invitations'],
  ['delete', '/orgs/{org}/invitations/{invitation_id}'],
  ['get', '/orgs/{org}/credential-authorizations'],
  ['delete', '/orgs/{org}/credential-authorizations/{credential_id}'],
  ['get', '/orgs/{org}/personal-access-tokens'],
  ['post', '/orgs/{org}/personal-access-tokens/{pat_id}'],
  ['get', '/orgs/{org}/personal-access-token-requests'],
  ['post', '/orgs/{org}/personal-access-token-requests/{pat_request_id}'],
  ['get', '/orgs/{org}/members/{username}/codespaces'],
  ['post', '/orgs/{org}/members/{username}/codespaces/{codespace_name}/stop'],
  ['delete', '/orgs/{org}/members/{username}/codespaces/{codespace_name}'],
  ['get', '/orgs/{org}/members/{username}/copilot'],
  ['delete', '/orgs/{org}/copilot/billing/selected_users'],
  ['get', '/orgs/{org}/repos'],
  ['get', '/repos/{owner}/{repo}/collaborators'],
  ['get', '/repos/{owner}/{repo}/collaborators/{username}'],
  ['delete', '/repos/{owner}/{repo}/collaborators/{username}'],
  ['post', '/app/installations/{installation_id}/access_tokens'],
  ['get', '/orgs/{org}/audit-log'],
  // revoke restore: re-invite with the prior role and teams, re-add repository access, look up the invitee's id
  ['post', '/orgs/{org}/invitations'],
  ['put', '/repos/{owner}/{repo}/collaborators/{username}'],
  ['get', '/users/{username}'],
  ['post', '/credentials/revoke'],
];

const paths = {};
for (const [method, path] of OPERATIONS) {
  const operation = spec.paths[path]?.[method];
  if (!operation) throw new Error(`${method} ${path} is not in the spec`);
  paths[path] ??= {};
  paths[path][method] = operation;
}
const subset = { source: `@octokit/openapi@${pkg.version} generated/ghec.deref.json`, openapi: spec.openapi, info: spec.info, paths };
writeFileSync(new URL('../test/fixtures/github-openapi.subset.json', import.meta.url), `${JSON.stringify(subset)}\n`);
console.log(`wrote ${OPERATIONS.length} operations from ${subset.source}`);
