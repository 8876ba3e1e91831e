import { InvalidInputError } from '../../errors.js';
import { defineProvider } from '../define.js';
import { entraContainment } from './contain.js';
import { DEFAULT_RECENT_MS } from '../types.js';
import { entraConfigSchema, entraStepOptionsSchema, type EntraConfig } from './config.js';
import { readOnlyGraph } from './graph-api.js';
import { cachedGraphReads, type EntraContext, entraErrorText, type EntraMode, type EntraRequest, readUser } from './kind.js';
import { entraKinds } from './kinds/index.js';
import { watchSignIns } from './watch.js';

const UPN = /^[A-Za-z0-9._%+'#-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const entraIdProvider = defineProvider<EntraConfig, EntraContext, EntraRequest>({
  type: 'entra-id',
  description: 'a Microsoft Entra ID tenant: sign-in, sessions, authentication methods, groups, directory roles, app roles, consents, devices, the user',
  configSchema: entraConfigSchema,
  stepOptionsSchema: entraStepOptionsSchema,
  kinds: entraKinds,
  modes: {
    names: ['disable', 'delete'],
    default: 'disable',
    descriptions: {
      disable: 'reversible containment first: sign-in blocked, sessions revoked, devices disabled; methods, memberships, roles and consents removed',
      delete: 'the same, then the user deleted last (soft delete: restorable for 30 days)',
    },
  },
  basePermissions: ['Microsoft Graph application permissions, admin-consented: Organization.Read.All (who the tenant is), User.Read.All (find the user)'],
  user: {
    pattern: new RegExp(`${UPN.source}|${OBJECT_ID.source}`, 'i'),
    description: 'a user principal name (jane@contoso.com; guests look like jane_example.com#EXT#@contoso.onmicrosoft.com) or an object id (GUID)',
    caseInsensitive: true,
  },
  requestOf: (step) => ({
    user: step.user,
    mode: (step.mode ?? 'disable') as EntraMode,
    recentMs: step.recentMs ?? DEFAULT_RECENT_MS,
    allowGlobalAdmin: step.options.allowGlobalAdmin === true,
  }),
  errorText: entraErrorText,
  describeUser: (context, user) => `${user} in ${context.tenantName}`,
  readOnly: (context) => ({ ...context, graph: readOnlyGraph(context.graph) }),
  async beforeDiscover(context, request) {
    const domain = UPN.test(request.user) ? request.user.split('@').pop()!.toLowerCase() : undefined;
    if (domain && context.domains.length > 0 && !context.domains.includes(domain)) {
      throw new InvalidInputError(`${request.user} is not in tenant ${context.tenantName}: ${domain} is not one of its verified domains (${context.domains.join(', ')})`, 'check the user name, or point the step at the provider for that tenant');
    }
    const user = await readUser(context.graph, request.user);
    if (!user) return 'absent';
    // The engine's self guard compares names; a step naming the signed-in person by object id is caught here.
    if (context.self && user.id === context.self.objectId) {
      throw new InvalidInputError(`${request.user} is ${context.self.upn}, the person revoke is signed in as; nothing was changed`, `run revoke with another identity's credentials (an app registration), not ${context.self.upn}'s`);
    }
    request.target = user;
  },
  // Discover once: containment's guard reads and every step's reads go out once per run.
  withReadCache: (context) => ({ ...context, graph: context.readCache ?? cachedGraphReads(context.graph) }),
  // Contain first (issue 18): after the same guard as discovery (beforeDiscover above).
  containment(context, request, kinds) {
    return entraContainment(context, request, kinds, (c, r) => this.beforeDiscover!(c, r));
  },
  async connect(config, context) {
    // The token first: asked for as soon as @azure/identity has loaded, and the Graph client
    // loads while the answer is on its way instead of before the question.
    const { askEntraToken } = await import('./credential.js');
    const asked = askEntraToken(config, context);
    const { connectEntra } = await import('./client.js');
    return connectEntra(config, context, asked);
  },
  async presence(context) {
    const graph = readOnlyGraph(context.graph);
    const users = await graph.list<{ id: string; userPrincipalName: string; accountEnabled?: boolean }>('/users?$select=id,userPrincipalName,accountEnabled&$top=999');
    const present = new Set(users.flatMap((u) => [u.id.toLowerCase(), u.userPrincipalName.toLowerCase()]));
    return (user) => present.has(user.toLowerCase());
  },
  // revoke drill: the canary is a test account whose refresh token/password come from the environment (loaded only by drills).
  canary: async (context, request) => (await import('./canary.js')).entraCanary(context, request),
  probe: async (credential, signal) => (await import('./probe.js')).probeEntraCredential(credential, signal),
  watch: (context, request) => watchSignIns(readOnlyGraph(context.graph), request),
});
