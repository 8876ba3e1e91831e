import {
  appRoleAssignmentObject,
  authMethodObject,
  deviceObject,
  groupObject,
  organizationObject,
  permissionGrantObject,
  roleAssignmentObject,
  roleDefinitionObject,
  selected,
  signInObject,
  userObject,
} from './objects.js';
import type { EntraState, EntraUser } from './state.js';

/** A Graph error: OData's { error: { code, message, innerError } } with an HTTP status. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface GraphCaller {
  clientId: string;
  userId?: string;
  roles: string[];
}

export interface GraphRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  caller: GraphCaller;
  /** The request URL, for @odata.nextLink. */
  url: URL;
  /** The most items the sandbox puts in one page, whatever $top asks. */
  pageSize: number;
}

export type GraphAnswer = { status: number; body?: unknown };
type Handler = (state: EntraState, request: GraphRequest) => GraphAnswer;

/** A route: method, template (as in the Graph OpenAPI description), the application permissions any of which allows it. */
export type GraphRoute = [method: string, template: string, permissions: string[], handler: Handler];

const READ_DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';

const missing = (id: string) => new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

function userOf(state: EntraState, id: string | undefined): EntraUser {
  const user = state.user(id ?? '');
  if (!user) throw missing(id ?? '');
  return user;
}

/** OData $filter as Graph supports it on these collections: `prop eq 'x'`, `prop ge 2026-…Z`, joined with `and`. */
function filterOf(expression: string | undefined): (object: Record<string, unknown>) => boolean {
  if (!expression) return () => true;
  const clauses = expression.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*(\w+)\s+(eq|ge|le)\s+(?:'((?:[^']|'')*)'|([0-9T:.\-Z]+))\s*$/.exec(clause);
    if (!match) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${clause}`);
    const [, property, operator, quoted, bare] = match;
    const value = quoted !== undefined ? quoted.replace(/''/g, "'") : bare!;
    return (object: Record<string, unknown>) => {
      const actual = object[property!];
      if (operator === 'eq') return String(actual) === value;
      const [left, right] = [Date.parse(String(actual)), Date.parse(value)];
      if (Number.isNaN(right)) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${clause}`);
      return operator === 'ge' ? left >= right : left <= right;
    };
  });
  return (object) => clauses.every((matches) => matches(object));
}

/** One page of a collection with OData paging: $top, then @odata.nextLink carrying a $skiptoken. */
function page(request: GraphRequest, items: Array<Record<string, unknown>>, context: string, maxTop = 999): GraphAnswer {
  // Graph pages at $top (default 100), and may page below it: `pageSize` caps a page.
  const top = Math.min(maxTop, request.pageSize, Number(request.query.$top ?? 100) || 100);
  const offset = request.query.$skiptoken ? Number(Buffer.from(request.query.$skiptoken, 'base64url').toString('utf8')) || 0 : 0;
  const filtered = items.filter(filterOf(request.query.$filter)).map((item) => selected(item, request.query.$select));
  const body: Record<string, unknown> = { '@odata.context': `${CONTEXT}#${context}`, value: filtered.slice(offset, offset + top) };
  if (offset + top < filtered.length) {
    const next = new URL(request.url);
    next.searchParams.set('$skiptoken', Buffer.from(String(offset + top)).toString('base64url'));
    body['@odata.nextLink'] = next.toString();
  }
  return { status: 200, body };
}

/** The Graph type segment of each removable authentication method, and the method type it deletes. */
export const AUTH_METHOD_SEGMENTS: Record<string, string> = {
  phoneMethods: 'phoneAuthenticationMethod',
  microsoftAuthenticatorMethods: 'microsoftAuthenticatorAuthenticationMethod',
  fido2Methods: 'fido2AuthenticationMethod',
  softwareOathMethods: 'softwareOathAuthenticationMethod',
  emailMethods: 'emailAuthenticationMethod',
  temporaryAccessPassMethods: 'temporaryAccessPassAuthenticationMethod',
  windowsHelloForBusinessMethods: 'windowsHelloForBusinessAuthenticationMethod',
};

const authMethodRoutes: GraphRoute[] = Object.entries(AUTH_METHOD_SEGMENTS).map(([segment, type]) => [
  'DELETE',
  `/users/{user-id}/authentication/${segment}/{${type}-id}`,
  ['UserAuthenticationMethod.ReadWrite.All'],
  (state, { params }) => {
    const user = userOf(state, params['user-id']);
    const index = state.authMethods.findIndex((m) => m.userId === user.id && m.type === type && m.id === params[`${type}-id`]);
    if (index < 0) throw missing(params[`${type}-id`]!);
    state.authMethods.splice(index, 1);
    return { status: 204 };
  },
]);

function devicesOf(state: EntraState, user: EntraUser, relation: 'owners' | 'registeredUsers') {
  return [...state.devices.values()].filter((d) => d[relation].has(user.id)).map(deviceObject);
}

export const graphRoutes: GraphRoute[] = [
  ['GET', '/organization', ['Organization.Read.All', ...READ_DIRECTORY], (state, request) => page(request, [organizationObject(state)], 'organization')],
  ['GET', '/users', ['User.Read.All', 'User.ReadWrite.All', ...READ_DIRECTORY], (state, request) => page(request, [...state.users.values()].map(userObject), 'users')],
  ['GET', '/users/{user-id}', ['User.Read.All', 'User.ReadWrite.All', ...READ_DIRECTORY], (state, { params, query }) => ({
    status: 200,
    body: { '@odata.context': `${CONTEXT}#users/$entity`, ...selected(userObject(userOf(state, params['user-id'])), query.$select) },
  })],
  ['PATCH', '/users/{user-id}', ['User.ReadWrite.All', 'User.EnableDisableAccount.All', 'Directory.ReadWrite.All'], (state, { params, body }) => {
    const user = userOf(state, params['user-id']);
    for (const key of Object.keys(body)) if (key !== 'accountEnabled') throw new GraphError(400, 'Request_BadRequest', `The sandbox models only accountEnabled, not ${key}.`);
    if (typeof body.accountEnabled !== 'boolean') throw new GraphError(400, 'Request_BadRequest', 'Invalid value specified for property \'accountEnabled\' of resource \'User\'.');
    user.accountEnabled = body.accountEnabled;
    return { status: 204 };
  }],
  ['DELETE', '/users/{user-id}', ['User.ReadWrite.All', 'Directory.ReadWrite.All'], (state, { params }) => {
    const user = userOf(state, params['user-id']);
    state.users.delete(user.id);
    state.deletedUsers.set(user.id, { ...user, deletedDateTime: new Date() });
    return { status: 204 };
  }],
  ['POST', '/users/{user-id}/revokeSignInSessions', ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'], (state, { params }) => {
    const user = userOf(state, params['user-id']);
    user.signInSessionsValidFromDateTime = new Date();
    return { status: 200, body: { '@odata.context': `${CONTEXT}#Edm.Boolean`, value: true } };
  }],
  ['GET', '/users/{user-id}/authentication/methods', ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'], (state, request) => {
    const user = userOf(state, request.params['user-id']);
    return page(request, state.authMethods.filter((m) => m.userId === user.id).map(authMethodObject), `users('${user.id}')/authentication/methods`);
  }],
  ...authMethodRoutes,
  ['GET', '/users/{user-id}/memberOf', ['GroupMember.Read.All', 'Group.Read.All', ...READ_DIRECTORY], (state, request) => {
    const user = userOf(state, request.params['user-id']);
    return page(request, [...state.groups.values()].filter((g) => g.members.has(user.id)).map(groupObject), 'directoryObjects');
  }],
  ['DELETE', '/groups/{group-id}/members/{directoryObject-id}/$ref', ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], (state, { params }) => {
    const group = state.groups.get(params['group-id']!);
    if (!group) throw missing(params['group-id']!);
    if (group.groupTypes.includes('DynamicMembership')) throw new GraphError(400, 'Request_BadRequest', 'Insufficient privileges to complete the operation: members of a dynamic group are computed from its rule.');
    if (group.onPremisesSyncEnabled) throw new GraphError(400, 'Request_BadRequest', 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
    if (!group.members.delete(params['directoryObject-id']!)) throw missing(params['directoryObject-id']!);
    return { status: 204 };
  }],
  ['GET', '/roleManagement/directory/roleAssignments', ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', ...READ_DIRECTORY], (state, request) => {
    if (!request.query.$filter) throw new GraphError(400, 'BadRequest', 'A filter on principalId or roleDefinitionId is required.');
    return page(request, state.roleAssignments.map(roleAssignmentObject), 'roleManagement/directory/roleAssignments');
  }],
  ['DELETE', '/roleManagement/directory/roleAssignments/{unifiedRoleAssignment-id}', ['RoleManagement.ReadWrite.Directory'], (state, { params }) => {
    const index = state.roleAssignments.findIndex((a) => a.id === params['unifiedRoleAssignment-id']);
    if (index < 0) throw missing(params['unifiedRoleAssignment-id']!);
    state.roleAssignments.splice(index, 1);
    return { status: 204 };
  }],
  ['GET', '/roleManagement/directory/roleDefinitions/{unifiedRoleDefinition-id}', ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', ...READ_DIRECTORY], (state, { params }) => {
    const definition = state.roleDefinitions.get(params['unifiedRoleDefinition-id']!);
    if (!definition) throw missing(params['unifiedRoleDefinition-id']!);
    return { status: 200, body: { '@odata.context': `${CONTEXT}#roleManagement/directory/roleDefinitions/$entity`, ...roleDefinitionObject(definition) } };
  }],
  ['GET', '/users/{user-id}/appRoleAssignments', ['AppRoleAssignment.ReadWrite.All', 'User.Read.All', ...READ_DIRECTORY], (state, request) => {
    const user = userOf(state, request.params['user-id']);
    return page(request, state.appRoleAssignments.filter((a) => a.principalId === user.id).map((a) => appRoleAssignmentObject(a, state)), `users('${user.id}')/appRoleAssignments`);
  }],
  ['DELETE', '/users/{user-id}/appRoleAssignments/{appRoleAssignment-id}', ['AppRoleAssignment.ReadWrite.All'], (state, { params }) => {
    const user = userOf(state, params['user-id']);
    const index = state.appRoleAssignments.findIndex((a) => a.principalId === user.id && a.id === params['appRoleAssignment-id']);
    if (index < 0) throw missing(params['appRoleAssignment-id']!);
    state.appRoleAssignments.splice(index, 1);
    return { status: 204 };
  }],
  ['GET', '/users/{user-id}/oauth2PermissionGrants', ['DelegatedPermissionGrant.ReadWrite.All', ...READ_DIRECTORY], (state, request) => {
    const user = userOf(state, request.params['user-id']);
    return page(request, state.permissionGrants.filter((g) => g.principalId === user.id).map(permissionGrantObject), 'oauth2PermissionGrants');
  }],
  ['DELETE', '/oauth2PermissionGrants/{oAuth2PermissionGrant-id}', ['DelegatedPermissionGrant.ReadWrite.All'], (state, { params }) => {
    const index = state.permissionGrants.findIndex((g) => g.id === params['oAuth2PermissionGrant-id']);
    if (index < 0) throw missing(params['oAuth2PermissionGrant-id']!);
    state.permissionGrants.splice(index, 1);
    return { status: 204 };
  }],
  ['GET', '/users/{user-id}/ownedDevices', ['Device.Read.All', 'Device.ReadWrite.All', ...READ_DIRECTORY], (state, request) => page(request, devicesOf(state, userOf(state, request.params['user-id']), 'owners'), 'directoryObjects')],
  ['GET', '/users/{user-id}/registeredDevices', ['Device.Read.All', 'Device.ReadWrite.All', ...READ_DIRECTORY], (state, request) => page(request, devicesOf(state, userOf(state, request.params['user-id']), 'registeredUsers'), 'directoryObjects')],
  ['GET', '/devices/{device-id}', ['Device.Read.All', 'Device.ReadWrite.All', ...READ_DIRECTORY], (state, { params }) => {
    const device = state.devices.get(params['device-id']!);
    if (!device) throw missing(params['device-id']!);
    return { status: 200, body: { '@odata.context': `${CONTEXT}#devices/$entity`, ...deviceObject(device) } };
  }],
  ['PATCH', '/devices/{device-id}', ['Device.ReadWrite.All', 'Directory.ReadWrite.All'], (state, { params, body }) => {
    const device = state.devices.get(params['device-id']!);
    if (!device) throw missing(params['device-id']!);
    if (typeof body.accountEnabled !== 'boolean' || Object.keys(body).length !== 1) throw new GraphError(400, 'Request_BadRequest', 'The sandbox models only accountEnabled on devices.');
    device.accountEnabled = body.accountEnabled;
    return { status: 204 };
  }],
  ['GET', '/auditLogs/signIns', ['AuditLog.Read.All'], (state, request) => {
    if (!state.flags.signInLogsLicensed) throw new GraphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', 'Neither tenant is B2C or tenant doesn\'t have premium license');
    const newestFirst = [...state.signIns].sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime());
    return page(request, newestFirst.map(signInObject), 'auditLogs/signIns', 1000);
  }],
];
