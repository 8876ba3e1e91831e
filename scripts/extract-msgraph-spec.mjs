#!/usr/bin/env node
// Extracts, from Microsoft Graph's published v1.0 API description, the operations the Entra
// sandbox implements, into test/fixtures/msgraph-v1.0.subset.json; the tests validate every Graph
// exchange of the sandbox against it (test/support/msgraph-spec.ts).
//
// Source: microsoftgraph/msgraph-metadata, schemas/v1.0-Prod.csdl (the CSDL that Graph's
// openapi/v1.0/openapi.yaml is generated from). The OpenAPI file itself is larger than the
// repository snapshots available here carry, so this reads the CSDL and builds the same facts:
// each path is resolved segment by segment through entity sets, singletons, navigation
// properties and bound actions (a path that Graph does not have fails the extraction), and each
// body schema is the JSON form of the entity/complex/enum types, base types included.
//   git -C <msgraph-metadata> show HEAD:schemas/v1.0-Prod.csdl > /tmp/v1.0-Prod.csdl
//   node scripts/extract-msgraph-spec.mjs /tmp/v1.0-Prod.csdl <commit>
import { readFileSync, writeFileSync } from 'node:fs';

const [csdlFile, commit = 'unknown'] = process.argv.slice(2);
if (!csdlFile) throw new Error('usage: extract-msgraph-spec.mjs <v1.0-Prod.csdl> [commit]');

/** [method, path as the sandbox routes it (Graph OpenAPI notation), path segments to resolve in the CSDL]. */
export const OPERATIONS = [
  ['get', '/organization'],
  ['get', '/users'],
  ['get', '/users/{user-id}'],
  ['patch', '/users/{user-id}'],
  ['delete', '/users/{user-id}'],
  ['post', '/users/{user-id}/revokeSignInSessions'],
  ['get', '/users/{user-id}/authentication/methods'],
  ['delete', '/users/{user-id}/authentication/phoneMethods/{phoneAuthenticationMethod-id}'],
  ['delete', '/users/{user-id}/authentication/microsoftAuthenticatorMethods/{microsoftAuthenticatorAuthenticationMethod-id}'],
  ['delete', '/users/{user-id}/authentication/fido2Methods/{fido2AuthenticationMethod-id}'],
  ['delete', '/users/{user-id}/authentication/softwareOathMethods/{softwareOathAuthenticationMethod-id}'],
  ['delete', '/users/{user-id}/authentication/emailMethods/{emailAuthenticationMethod-id}'],
  ['delete', '/users/{user-id}/authentication/temporaryAccessPassMethods/{temporaryAccessPassAuthenticationMethod-id}'],
  ['delete', '/users/{user-id}/authentication/windowsHelloForBusinessMethods/{windowsHelloForBusinessAuthenticationMethod-id}'],
  ['get', '/users/{user-id}/memberOf'],
  ['delete', '/groups/{group-id}/members/{directoryObject-id}/$ref'],
  ['get', '/roleManagement/directory/roleAssignments'],
  ['delete', '/roleManagement/directory/roleAssignments/{unifiedRoleAssignment-id}'],
  ['get', '/roleManagement/directory/roleDefinitions/{unifiedRoleDefinition-id}'],
  ['get', '/users/{user-id}/appRoleAssignments'],
  ['delete', '/users/{user-id}/appRoleAssignments/{appRoleAssignment-id}'],
  ['get', '/users/{user-id}/oauth2PermissionGrants'],
  ['delete', '/oauth2PermissionGrants/{oAuth2PermissionGrant-id}'],
  ['get', '/users/{user-id}/ownedDevices'],
  ['get', '/users/{user-id}/registeredDevices'],
  ['get', '/devices/{device-id}'],
  ['patch', '/devices/{device-id}'],
  ['get', '/auditLogs/signIns'],
];

/** Derived types the sandbox sends where a collection is typed by a base type. */
const DERIVED = {
  'microsoft.graph.authenticationMethod': ['phoneAuthenticationMethod', 'microsoftAuthenticatorAuthenticationMethod', 'fido2AuthenticationMethod', 'softwareOathAuthenticationMethod', 'emailAuthenticationMethod', 'temporaryAccessPassAuthenticationMethod', 'windowsHelloForBusinessAuthenticationMethod', 'passwordAuthenticationMethod'],
  'microsoft.graph.directoryObject': ['group', 'device', 'user', 'directoryRole'],
};

// ---- a small CSDL reader: elements with attributes, nested ----
const xml = readFileSync(csdlFile, 'utf8');
const root = { tag: 'root', attrs: {}, children: [] };
const stack = [root];
for (const match of xml.matchAll(/<(\/?)([\w:.]+)((?:\s+[\w:.]+="[^"]*")*)\s*(\/?)>/g)) {
  const [, closing, tag, attrText, selfClosing] = match;
  if (closing) {
    stack.pop();
    continue;
  }
  const attrs = Object.fromEntries([...attrText.matchAll(/([\w:.]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const element = { tag, attrs, children: [] };
  stack.at(-1).children.push(element);
  if (!selfClosing) stack.push(element);
}
const schemas = root.children[0].children.find((c) => c.tag === 'edmx:DataServices').children.filter((c) => c.tag === 'Schema');
const types = new Map();
const actions = [];
let container;
for (const schema of schemas) {
  const namespace = schema.attrs.Namespace;
  const alias = schema.attrs.Alias;
  for (const element of schema.children) {
    if (['EntityType', 'ComplexType', 'EnumType'].includes(element.tag)) types.set(`${namespace}.${element.attrs.Name}`, { ...element, namespace, alias });
    if (element.tag === 'Action' || element.tag === 'Function') actions.push({ ...element, namespace });
    if (element.tag === 'EntityContainer') container = element;
  }
}
const qualify = (name) => name.replace(/^graph\./, 'microsoft.graph.').replace(/^self\./, 'microsoft.graph.security.');
const typeOf = (name) => {
  const type = types.get(qualify(name));
  if (!type) throw new Error(`type ${name} is not in the CSDL`);
  return type;
};
const baseChain = (name) => {
  const chain = [];
  for (let t = typeOf(name); t; t = t.attrs.BaseType ? typeOf(t.attrs.BaseType) : undefined) chain.push(t);
  return chain;
};
const member = (typeName, memberName, tag) => {
  for (const t of baseChain(typeName)) {
    const found = t.children.find((c) => c.tag === tag && c.attrs.Name === memberName);
    if (found) return found;
  }
  return undefined;
};
const unCollection = (type) => /^Collection\((.+)\)$/.exec(type)?.[1];

// ---- JSON Schemas of the types the operations touch ----
const components = {};
const ref = (name) => ({ $ref: `#/components/schemas/${qualify(name)}` });
function edm(type) {
  const inner = unCollection(type);
  if (inner) return { type: 'array', items: edm(inner) };
  const primitive = {
    'Edm.String': { type: 'string' },
    'Edm.Boolean': { type: 'boolean' },
    'Edm.Int32': { type: 'integer' },
    'Edm.Int64': { type: 'integer' },
    'Edm.Double': { type: 'number' },
    'Edm.Guid': { type: 'string', format: 'uuid' },
    'Edm.DateTimeOffset': { type: 'string', format: 'date-time' },
    'Edm.Date': { type: 'string', format: 'date' },
    'Edm.Binary': { type: 'string' },
    'Edm.Duration': { type: 'string' },
    'Edm.TimeOfDay': { type: 'string' },
    'Edm.Byte': { type: 'integer' },
    'Edm.Int16': { type: 'integer' },
    'Edm.Single': { type: 'number' },
    'Edm.Decimal': { type: 'number' },
    'Edm.Stream': { type: 'string' },
    'Edm.Untyped': {},
  }[type];
  if (primitive) return primitive;
  addSchema(type);
  return ref(type);
}
function addSchema(name) {
  const key = qualify(name);
  if (components[key]) return;
  const type = typeOf(name);
  components[key] = {};
  if (type.tag === 'EnumType') {
    components[key] = { type: 'string', enum: type.children.filter((c) => c.tag === 'Member').map((c) => c.attrs.Name) };
    return;
  }
  const properties = {};
  for (const t of baseChain(name).reverse()) {
    for (const p of t.children.filter((c) => c.tag === 'Property')) {
      const schema = edm(p.attrs.Type);
      properties[p.attrs.Name] = p.attrs.Nullable === 'false' ? schema : { anyOf: [schema, { type: 'null' }] };
    }
  }
  const own = { type: 'object', properties, patternProperties: { '^@odata\\.': {} }, additionalProperties: false };
  const derived = DERIVED[key];
  if (!derived) {
    components[key] = own;
    return;
  }
  // A value of a derived type says so in @odata.type and is checked against that type.
  let schema = own;
  for (const d of [...derived].reverse()) {
    const full = `microsoft.graph.${d}`;
    addSchema(full);
    schema = { if: { required: ['@odata.type'], properties: { '@odata.type': { const: `#${full}` } } }, then: ref(full), else: schema };
  }
  components[key] = schema;
}

// ---- resolve each path through the CSDL ----
function resolve(path) {
  const segments = path.split('/').slice(1);
  const first = container.children.find((c) => (c.tag === 'EntitySet' || c.tag === 'Singleton') && c.attrs.Name === segments[0]);
  if (!first) throw new Error(`${path}: no entity set or singleton ${segments[0]}`);
  let current = { type: first.attrs.EntityType ?? first.attrs.Type, collection: first.tag === 'EntitySet' };
  const via = [`${first.tag} ${first.attrs.Name}`];
  for (const segment of segments.slice(1)) {
    if (/^\{.+\}$/.test(segment)) {
      if (!current.collection) throw new Error(`${path}: key ${segment} on a single ${current.type}`);
      current = { type: current.type, collection: false };
      via.push(`key of ${current.type}`);
    } else if (segment === '$ref') {
      current = { ...current, ref: true };
      via.push('$ref');
    } else {
      const navigation = member(current.type, segment, 'NavigationProperty');
      if (navigation) {
        const inner = unCollection(navigation.attrs.Type);
        current = { type: inner ?? navigation.attrs.Type, collection: Boolean(inner) };
        via.push(`NavigationProperty ${segment}`);
        continue;
      }
      const action = actions.find((a) => a.attrs.Name === segment && a.attrs.IsBound === 'true' && qualify(a.children.find((c) => c.tag === 'Parameter')?.attrs.Type ?? '') === qualify(current.type));
      if (!action) throw new Error(`${path}: ${current.type} has no navigation property or bound action ${segment}`);
      const returns = action.children.find((c) => c.tag === 'ReturnType')?.attrs.Type;
      current = { action: action.tag, returns };
      via.push(`${action.tag} ${segment}`);
    }
  }
  return { ...current, via };
}

// OData query options, as Graph's OpenAPI description declares them on its operations.
const QUERY = [
  ['$select', { type: 'string' }],
  ['$filter', { type: 'string' }],
  ['$top', { type: 'integer', minimum: 0 }],
  ['$skiptoken', { type: 'string' }],
  ['$count', { type: 'boolean' }],
  ['$orderby', { type: 'string' }],
  ['$expand', { type: 'string' }],
  ['$search', { type: 'string' }],
];
const errorRef = { $ref: '#/components/schemas/microsoft.graph.ODataErrors.ODataError' };
// Graph's description answers every operation's 4XX and 5XX with its OData error.
const ERRORS = Object.fromEntries([400, 401, 403, 404, 409, 429, 500, 503, 504].map((status) => [String(status), { content: { 'application/json': { schema: errorRef } } }]));
const collectionOf = (item) => ({ type: 'object', properties: { value: { type: 'array', items: item } }, required: ['value'], patternProperties: { '^@odata\\.': {} }, additionalProperties: false });
const paths = {};
for (const [method, path] of OPERATIONS) {
  const target = resolve(path);
  const operation = { 'x-resolved-via': target.via, parameters: QUERY.map(([name, schema]) => ({ name, in: 'query', schema })), responses: { ...ERRORS } };
  if (target.action) {
    operation.responses['200'] = { content: { 'application/json': { schema: { type: 'object', properties: { value: edm(target.returns) }, required: ['value'], patternProperties: { '^@odata\\.': {} }, additionalProperties: false } } } };
    operation.responses['204'] = {};
  } else if (method === 'get') {
    operation.responses['200'] = { content: { 'application/json': { schema: target.collection ? collectionOf(edm(target.type)) : edm(target.type) } } };
  } else if (method === 'patch') {
    operation.requestBody = { content: { 'application/json': { schema: edm(target.type) } } };
    operation.responses['204'] = {};
  } else {
    operation.responses['204'] = {};
  }
  paths[path] ??= {};
  paths[path][method] = operation;
}
// JSON batching is not in the CSDL (nor in openapi.yaml): its envelope as Graph's batching
// documentation gives it; each request inside is checked as its own operation.
paths['/$batch'] = {
  post: {
    'x-source': 'Microsoft Graph JSON batching documentation (not in the CSDL)',
    parameters: [],
    requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['requests'], additionalProperties: false, properties: { requests: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', required: ['id', 'method', 'url'], additionalProperties: false, properties: { id: { type: 'string' }, method: { type: 'string' }, url: { type: 'string', pattern: '^/' }, headers: { type: 'object' }, body: {}, dependsOn: { type: 'array', items: { type: 'string' } } } } } } } } } },
    responses: {
      ...ERRORS,
      200: { content: { 'application/json': { schema: { type: 'object', required: ['responses'], properties: { responses: { type: 'array', items: { type: 'object', required: ['id', 'status'], additionalProperties: false, properties: { id: { type: 'string' }, status: { type: 'integer' }, headers: { type: 'object' }, body: {} } } } } } } } },
    },
  },
};
// Graph's error body, as openapi.yaml describes it (microsoft.graph.ODataErrors.ODataError).
components['microsoft.graph.ODataErrors.ODataError'] = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, target: { type: ['string', 'null'] }, details: { type: 'array' }, innerError: { type: 'object' } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
const subset = { source: `microsoftgraph/msgraph-metadata@${commit} schemas/v1.0-Prod.csdl`, openapi: '3.0.4', info: { title: 'Microsoft Graph v1.0 (subset)', version: 'v1.0' }, paths, components: { schemas: components } };
writeFileSync(new URL('../test/fixtures/msgraph-v1.0.subset.json', import.meta.url), `${JSON.stringify(subset)}\n`);
console.log(`wrote ${OPERATIONS.length} operations and ${Object.keys(components).length} schemas from ${subset.source}`);
