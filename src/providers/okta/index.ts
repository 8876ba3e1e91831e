import { InvalidInputError } from '../../errors.js';
import { defineProvider } from '../define.js';
import { oktaContainment } from './contain.js';
import { DEFAULT_RECENT_MS } from '../types.js';
import { oktaConfigSchema, oktaStepOptionsSchema, type OktaConfig } from './config.js';
import { findUser, oktaErrorText, type OktaContext, type OktaRequest, type OktaUser } from './kind.js';
import { oktaKinds } from './kinds/index.js';
import { cachedOktaReads } from './http.js';
import { SERVICE_APP_SCOPES } from './scopes.js';

export const oktaProvider = defineProvider<OktaConfig, OktaContext, OktaRequest>({
  type: 'okta',
  description: 'an Okta org: sessions, OAuth grants and tokens, API tokens, factors, groups, admin roles, app assignments; suspend or delete',
  configSchema: oktaConfigSchema,
  stepOptionsSchema: oktaStepOptionsSchema,
  kinds: oktaKinds,
  modes: {
    names: ['disable', 'delete'],
    default: 'disable',
    descriptions: {
      disable: 'reversible where Okta allows: credentials revoked, access removed, the user suspended',
      delete: 'for good: the same, factors reset, then the user deactivated and deleted',
    },
  },
  // What a service app is granted: the scopes it requests by default.
  permissionsDocument: () => JSON.stringify(SERVICE_APP_SCOPES, null, 2),
  basePermissions: ['okta.users.read (look up the user; with an API token, GET /api/v1/users/me for the self-lockout guard)'],
  user: {
    pattern: /^[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/,
    description: "an Okta login in email form (e.g. jane.doe@acme.com), case-insensitive",
    caseInsensitive: true,
  },

  requestOf: ({ user, mode, options, recentMs }) => ({
    user,
    mode: mode === 'delete' ? 'delete' : 'disable',
    recentMs: recentMs ?? DEFAULT_RECENT_MS,
    universalLogout: options.universalLogout === true,
    resetFactors: options.resetFactors === true,
    allowSuperAdmin: options.allowSuperAdmin === true,
  }),
  errorText: oktaErrorText,
  describeUser: (context, user) => `Okta user ${user} in ${context.host}`,
  // discover, presence and watch get this (defineProvider applies it); a fresh user cache each time.
  // A read-cached view (withReadCache) is read-only already and keeps its cache.
  readOnly: (context) => ({ ...context, http: context.http.readOnly ? context.http : context.http.readOnlyView(), users: new Map() }),
  // Discover once: containment's guard reads and every step's reads go out once per run (three
  // steps for one person read the user once, not three times).
  withReadCache: (context) => ({ ...context, ...(context.readCache ?? { http: cachedOktaReads(context.http), users: new Map() }) }),

  async beforeDiscover(context, { user }) {
    const domain = user.slice(user.lastIndexOf('@') + 1).toLowerCase();
    if (context.domains && !context.domains.some((d) => d.toLowerCase() === domain)) {
      throw new InvalidInputError(`${user} is not in the domains of ${context.host} (${context.domains.join(', ')}); nothing was changed`, 'check the user, or add the domain to domains: of the provider');
    }
    return (await findUser(context, user)) ? undefined : 'absent';
  },

  // Contain first (issue 18): after the same guard as discovery (beforeDiscover above).
  containment(context, request, kinds) {
    return oktaContainment(context, request, kinds, (c, r) => this.beforeDiscover!(c, r));
  },

  async connect(config, context) {
    const { connectOkta } = await import('./client.js');
    return connectOkta(config, context);
  },

  async presence(context, { kinds }) {
    // One paged list (200 a page) covers an audit of any number of people. Deactivated users hold
    // nothing but the account itself, which only kind `user` removes.
    const search = kinds.includes('user') ? 'status pr' : 'status ne "DEPROVISIONED"';
    const users = await context.http.list<OktaUser>('/api/v1/users', { search, limit: '200' }).catch((error: unknown) => {
      throw new Error(`listing the users of ${context.host}: ${oktaErrorText(error)}`);
    });
    const present = new Set(users.map((u) => u.profile.login.toLowerCase()));
    return (user) => present.has(user.toLowerCase());
  },

  // revoke drill: the canary is a test account whose session/API token come from the environment (loaded only by drills).
  canary: async (context, request) => (await import('./canary.js')).oktaCanary(context, request),
  probe: async (credential, signal) => (await import('./probe.js')).probeOktaCredential(credential, signal),

  async watch(context, request) {
    const { watchOkta } = await import('./watch.js');
    return watchOkta(context, request);
  },
});
