import { defineProvider } from '../define.js';
import { DEFAULT_RECENT_MS } from '../types.js';
import { cachedDirectoryReads } from './cached-reads.js';
import { googleConfigSchema, googleStepOptionsSchema, type GoogleConfig } from './config.js';
import { allPages, googleErrorText, type GoogleContext, type GoogleMode, type GoogleRequest } from './kind.js';
import { googleKinds } from './kinds/index.js';
import { ALL_SCOPES, Scope } from './scopes.js';

/** Kinds whose findings a suspended user cannot have: an audit skips suspended users for them. */
const ACTIVE_ONLY = new Set(['sessions', 'suspend']);

export const googleWorkspaceProvider = defineProvider<GoogleConfig, GoogleContext, GoogleRequest>({
  type: 'google-workspace',
  description: 'a Google Workspace customer: sessions, OAuth grants, app passwords, backup codes, password, devices, groups, admin roles, data transfer, suspend/delete',
  configSchema: googleConfigSchema,
  stepOptionsSchema: googleStepOptionsSchema,
  kinds: googleKinds,
  basePermissions: [`${Scope.user} (look up the user and the impersonated admin; users.list for audits)`, `${Scope.audit} (revoke watch only)`],
  // The scopes to grant the service account's client id in domain-wide delegation, and nothing more.
  permissionsDocument: () => JSON.stringify(ALL_SCOPES, null, 2),
  modes: {
    names: ['disable', 'delete'],
    default: 'disable',
    descriptions: {
      disable: 'contain and keep: password replaced, sessions signed out, OAuth grants, app passwords and backup codes removed, account suspended (reversible)',
      delete: 'everything in disable, then devices wiped (work account), groups and admin roles removed, Drive and Calendar transferred, account deleted',
    },
  },
  user: {
    pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9'._-]{0,62}[a-zA-Z0-9_-])?@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/,
    description: "a primary email address: letters, digits, ' . _ - before the @ (Google Workspace usernames, case-insensitive)",
    caseInsensitive: true,
  },

  requestOf: ({ user, mode, options, recentMs }) => ({
    user: user.toLowerCase(),
    mode: (mode ?? 'disable') as GoogleMode,
    recentMs: recentMs ?? DEFAULT_RECENT_MS,
    allowSuperAdmin: options.allowSuperAdmin === true,
    transferTo: options.transferTo as string | undefined,
    wipe: options.wipe === 'device' ? 'device' : 'account',
  }),
  errorText: googleErrorText,
  describeUser: (context, user) => `${user} in ${context.domains[0]}`,
  readOnly: (context) => context.readOnlyView ?? context,
  // Discover once: the guard, containment and every step read the person (users.get) and the
  // backup codes (verificationCodes.list) once per run; connect began them when told the people.
  withReadCache: (context) => ({ ...context, readOnlyView: context.readCache ?? cachedDirectoryReads(context.readOnlyView ?? context) }),

  async beforeDiscover(context, request) {
    const { checkTarget } = await import('./guards.js');
    return checkTarget(context, request);
  },

  // Contain first (issue 18); loaded when used, like the guards it runs.
  async containment(context, request, kinds) {
    const { googleContainment } = await import('./contain.js');
    return googleContainment(context, request, kinds);
  },

  async connect(config, context) {
    // The token first: it is asked for as soon as Google's auth library has loaded, and the Admin
    // SDK clients load while the answer is on its way instead of before the question.
    const { askGoogleToken } = await import('./auth.js');
    const authorization = await askGoogleToken(config, context);
    const { connectGoogle } = await import('./client.js');
    return connectGoogle(config, context, authorization);
  },

  async presence(context, { kinds }) {
    // Every kind belongs to a user of the customer: one users.list walk (500 a page) answers an audit.
    await context.adminChecked;
    const { directory, customer } = context.readOnlyView ?? context;
    const users = await allPages(async (pageToken) => {
      const { data } = await directory.users.list({ customer, maxResults: 500, projection: 'basic', ...(pageToken ? { pageToken } : {}) });
      return { items: data.users, nextPageToken: data.nextPageToken };
    }).catch((error: unknown) => {
      throw new Error(`listing the users of ${customer}: ${googleErrorText(error)}`);
    });
    const onlyActiveKinds = kinds.every((kind) => ACTIVE_ONLY.has(kind));
    const present = new Set(users.filter((u) => !(onlyActiveKinds && u.suspended)).map((u) => u.primaryEmail!.toLowerCase()));
    return (user) => present.has(user.toLowerCase());
  },

  // revoke drill: the canary is a test account whose session/OAuth token come from the environment (loaded only by drills).
  canary: async (context, request) => {
    await context.adminChecked;
    return (await import('./canary.js')).googleCanary(context, request);
  },
  probe: async (credential, signal) => (await import('./probe.js')).probeGoogleCredential(credential, signal),

  async watch(context, request) {
    await context.adminChecked;
    const { watchGoogle } = await import('./watch.js');
    return watchGoogle(context.readOnlyView ?? context, request);
  },
});
