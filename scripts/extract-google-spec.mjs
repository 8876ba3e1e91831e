#!/usr/bin/env node
// Extracts the Admin SDK methods the google-workspace provider calls, and the schemas they
// reference, from Google's published discovery documents into test/fixtures/google-discovery.subset.json
// (read by test/support/google-discovery.ts, which checks every sandbox exchange against it).
//
// Usage: node scripts/extract-google-spec.mjs <admin-directory_v1.json> <admin-datatransfer_v1.json> <admin-reports_v1.json> [supplement.json]
//
// The documents come from a snapshot of a Google API client repository: googleapis/google-api-nodejs-client
// keeps them as discovery/admin-{directory,datatransfer,reports}_v1.json, googleapis/google-api-go-client
// as admin/{directory,datatransfer,reports}/v1/admin-api.json. Methods added after the revision at hand
// (users.signOut, roleAssignments.list?userKey) come from the supplement: excerpts of the newer
// document, each naming its source, merged over the extract.
import { readFileSync, writeFileSync } from 'node:fs';

const WANTED = {
  directory: [
    'directory.users.list', 'directory.users.get', 'directory.users.update', 'directory.users.delete', 'directory.users.signOut',
    'directory.tokens.list', 'directory.tokens.get', 'directory.tokens.delete',
    'directory.asps.list', 'directory.asps.delete',
    'directory.verificationCodes.list', 'directory.verificationCodes.invalidate',
    'directory.mobiledevices.list', 'directory.mobiledevices.action',
    'directory.groups.list', 'directory.members.list', 'directory.members.get', 'directory.members.delete',
    'directory.roleAssignments.list', 'directory.roleAssignments.get', 'directory.roleAssignments.delete', 'directory.roles.list',
  ],
  datatransfer: ['datatransfer.applications.list', 'datatransfer.transfers.list', 'datatransfer.transfers.insert', 'datatransfer.transfers.get'],
  reports: ['reports.activities.list', 'reports.userUsageReport.get'],
};

const [directoryFile, transferFile, reportsFile, supplementFile] = process.argv.slice(2);
if (!reportsFile) {
  console.error('usage: node scripts/extract-google-spec.mjs <admin-directory_v1.json> <admin-datatransfer_v1.json> <admin-reports_v1.json> [supplement.json]');
  process.exit(2);
}

function methodsOf(resources, out = new Map()) {
  for (const resource of Object.values(resources ?? {})) {
    for (const method of Object.values(resource.methods ?? {})) out.set(method.id, method);
    methodsOf(resource.resources, out);
  }
  return out;
}

function refsOf(value, out = new Set()) {
  if (Array.isArray(value)) for (const item of value) refsOf(item, out);
  else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) key === '$ref' ? out.add(inner) : refsOf(inner, out);
  return out;
}

const supplement = supplementFile ? JSON.parse(readFileSync(supplementFile, 'utf8')) : { methods: {}, parameters: {} };
const apis = {};
const sources = [];
for (const [api, file] of [['directory', directoryFile], ['datatransfer', transferFile], ['reports', reportsFile]]) {
  const document = JSON.parse(readFileSync(file, 'utf8'));
  sources.push(`${document.id} revision ${document.revision}`);
  const all = methodsOf(document.resources);
  const methods = {};
  for (const id of WANTED[api]) {
    const method = supplement.methods?.[id]?.method ?? all.get(id);
    if (!method) throw new Error(`${id} is in neither ${file} nor the supplement`);
    const extra = supplement.parameters?.[id];
    const parameters = { ...method.parameters, ...(extra?.parameters ?? {}) };
    // Full path from the host: the newer documents put the service path into each path.
    const path = method.path.startsWith('admin/') ? method.path : `${document.servicePath}${method.path}`;
    methods[id] = { httpMethod: method.httpMethod, path, parameters, ...(method.request ? { request: method.request } : {}), ...(method.response ? { response: method.response } : {}), scopes: method.scopes };
  }
  const schemas = {};
  const pending = [...refsOf(methods)];
  while (pending.length) {
    const name = pending.pop();
    if (schemas[name]) continue;
    if (!document.schemas[name]) throw new Error(`schema ${name} is not in ${file}`);
    schemas[name] = document.schemas[name];
    pending.push(...refsOf(document.schemas[name]));
  }
  apis[api] = { id: document.id, revision: document.revision, parameters: document.parameters, methods, schemas };
}
const subset = {
  source: `Google discovery documents (${sources.join(', ')}), extracted by scripts/extract-google-spec.mjs`,
  supplement: supplement.source ?? null,
  apis,
};
writeFileSync(new URL('../test/fixtures/google-discovery.subset.json', import.meta.url), `${JSON.stringify(subset, null, 1)}\n`);
console.log(`wrote ${Object.values(apis).reduce((n, a) => n + Object.keys(a.methods).length, 0)} methods`);
