import { defineProvider } from '../define.js';
import { DEFAULT_RECENT_MS } from '../types.js';
import { awsErrorCode, awsErrorText, isNoSuchEntity } from './aws-errors.js';
import { awsIamConfigSchema, awsIamStepOptionsSchema, type AwsIamConfig } from './config.js';
import { iamContainment } from './contain.js';
import { collectPages, type IamContext, type IamMode, type IamRequest } from './kind.js';
import { iamKinds } from './kinds/index.js';
import { DELETE_USER_ID } from './kinds/user.js';
import { BASE_PERMISSIONS, leastPrivilegePolicy } from './permissions.js';
import { cachedIamReads } from './read-only.js';

/** Everything the user still has, for a DeleteConflict message that says what blocks. */
async function remainingAttachments(context: IamContext, user: string): Promise<string[]> {
  const request: IamRequest = { user, mode: 'delete', roles: [], recentMs: DEFAULT_RECENT_MS };
  const found = await Promise.all(iamKinds.filter((k) => k.name !== 'user' && k.name !== 'sessions').map((k) => k.discover(context, request).catch(() => [])));
  return found.flatMap((f) => (Array.isArray(f) ? f : [])).map((f) => f.label);
}

/** The read-only view of a connected context: the mutating client is not in it. */
function readOnly(context: IamContext): IamContext {
  const { readOnlyIam, ...rest } = context;
  return readOnlyIam ? { ...rest, iam: readOnlyIam, readOnlyIam } : context;
}

export const awsIamProvider = defineProvider<AwsIamConfig, IamContext, IamRequest>({
  type: 'aws-iam',
  description: 'AWS IAM users in one account: credentials, sessions, policies, groups, the user itself',
  configSchema: awsIamConfigSchema,
  stepOptionsSchema: awsIamStepOptionsSchema,
  kinds: iamKinds,
  basePermissions: BASE_PERMISSIONS,
  permissionsDocument: () => JSON.stringify(leastPrivilegePolicy(), null, 2),
  modes: {
    names: ['disable', 'delete'],
    default: 'disable',
    descriptions: {
      disable: 'reversible containment: credentials set Inactive, console password deleted, deny-all policy attached, sessions cut',
      delete: 'remove for good: contain first, then delete every credential, policy and membership, then the user',
    },
  },
  user: {
    pattern: /^[\w+=,.@-]{1,64}$/,
    description: '1-64 letters, digits and + = , . @ _ - (IAM user names, case-insensitive in AWS)',
    caseInsensitive: true,
  },
  requestOf: ({ user, mode, options, recentMs }) => ({ user, mode: (mode ?? 'disable') as IamMode, roles: (options.roles as string[] | undefined) ?? [], recentMs: recentMs ?? DEFAULT_RECENT_MS }),
  errorText: awsErrorText,
  describeUser: (_context, user) => `IAM user ${user}`,
  readOnly,
  // GetUser goes out with every kind's List calls: one round trip, not two. If the user is gone,
  // the lists fail with NoSuchEntity and the answer is "nothing to revoke".
  concurrentBeforeDiscover: true,
  async beforeDiscover(context, { user }) {
    try {
      await context.iam.getUser({ UserName: user });
    } catch (error) {
      if (isNoSuchEntity(error)) return 'absent';
      throw new Error(`IAM user ${user}: ${awsErrorText(error)}`);
    }
  },
  containment: iamContainment,
  // Two steps for one person (contain, then remove) list the same keys and policies: once per run.
  // Connect began it when it was told the run's people (ConnectContext.users).
  withReadCache(context) {
    const cached = context.readCache ?? cachedIamReads(context.readOnlyIam ?? context.iam);
    return { ...context, iam: cached, readOnlyIam: cached };
  },
  async explainRevokeError(context, finding, request, error) {
    if (finding.id !== DELETE_USER_ID || awsErrorCode(error) !== 'DeleteConflict') return undefined;
    const blockers = await remainingAttachments(readOnly(context), request.user);
    // The step may already revoke [all]: then these appeared after discovery (a plan applied
    // with --allow-drift, or someone adding them meanwhile), and listing kinds would not help.
    return new Error(`cannot delete IAM user ${request.user}: it still has ${blockers.length > 0 ? blockers.join(', ') : 'attachments'}; if the step does not list their kinds, add them (or use revoke: [all]); if it does, they appeared after discovery: run again to revoke them`);
  },

  async connect(config, context) {
    // The SDK warns on Node 20 at load time; revoke supports Node 20, so keep that out of its output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // STS first: who we are is asked as soon as the STS client has loaded (~70% of the SDK's
    // bytes), and the IAM client loads while the answer is on its way instead of before the question.
    const { askCallerIdentity } = await import('./identity.js');
    const identity = askCallerIdentity(config, context);
    const { connectIam } = await import('./client.js');
    return connectIam(config, context, identity);
  },

  async watch(context, request) {
    const { watchIam } = await import('./watch.js');
    return watchIam(context, request);
  },

  // revoke drill: a canary user with a key and an MFA session, and probes (loaded only by drills).
  canary: async (context, request) => (await import('./canary.js')).createIamCanary(context, request),
  probe: async (credential, signal) => (await import('./probe.js')).probeIamCredential(credential, signal),

  async presence(context) {
    // Every aws-iam kind belongs to an IAM user: one ListUsers walk tells who can have any.
    const names = await collectPages(async (marker) => {
      const page = await context.iam.listUsers({ MaxItems: context.pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.Users };
    }).catch((error: unknown) => {
      throw new Error(`listing IAM users: ${awsErrorText(error)}`);
    });
    const present = new Set(names.map((u) => u.UserName!.toLowerCase()));
    return (user) => present.has(user.toLowerCase());
  },
});
