import { DEFAULT_RECENT_MS, type Finding, type Provider } from '../types.js';
import { awsErrorCode, awsErrorText, isNoSuchEntity } from './aws-errors.js';
import { awsIamConfigSchema, awsIamStepOptionsSchema, type AwsIamConfig } from './config.js';
import { collectPages, type IamContext, type IamKind, type IamMode, type IamRequest } from './kind.js';
import { iamKinds } from './kinds/index.js';
import { DELETE_USER_ID } from './kinds/user.js';
import { retryCount } from './retry-count.js';
import { BASE_PERMISSIONS, leastPrivilegePolicy } from './permissions.js';

const kindsByName = new Map(iamKinds.map((kind) => [kind.name, kind]));

function requestOf(user: string, mode: string | undefined, options: Record<string, unknown>, recentMs = DEFAULT_RECENT_MS): IamRequest {
  return { user, mode: (mode ?? 'disable') as IamMode, roles: (options.roles as string[] | undefined) ?? [], recentMs };
}

function kindOf(name: string): IamKind {
  const kind = kindsByName.get(name);
  if (!kind) throw new Error(`aws-iam has no revoke kind ${name}`);
  return kind;
}

async function userExists(context: IamContext, user: string): Promise<boolean> {
  try {
    await context.iam.getUser({ UserName: user });
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw new Error(`IAM user ${user}: ${awsErrorText(error)}`);
  }
}

/** Everything the user still has, for a DeleteConflict message that says what blocks. */
async function remainingAttachments(context: IamContext, user: string): Promise<string[]> {
  const request: IamRequest = { user, mode: 'delete', roles: [], recentMs: DEFAULT_RECENT_MS };
  const found = await Promise.all(iamKinds.filter((k) => k.name !== 'user' && k.name !== 'sessions').map((k) => k.discover(context, request).catch(() => [])));
  return found.flat().map((f) => f.label);
}

export const awsIamProvider: Provider<AwsIamConfig, IamContext> = {
  type: 'aws-iam',
  description: 'AWS IAM users in one account: credentials, sessions, policies, groups, the user itself',
  configSchema: awsIamConfigSchema,
  stepOptionsSchema: awsIamStepOptionsSchema,
  kinds: iamKinds.map(({ name, description, permissions, reversible }) => ({ name, description, permissions, reversible })),
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

  async connect(config, context) {
    // The SDK warns on Node 20 at load time; revoke supports Node 20, so keep that out of its output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { connectIam } = await import('./client.js');
    return connectIam(config, context);
  },

  async watch(context, request) {
    const { watchIam } = await import('./watch.js');
    return watchIam(context, request);
  },

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

  async discover(context, { user, kinds, mode, options, recentMs }) {
    const request = requestOf(user, mode, options, recentMs);
    // GetUser and every kind's List calls go out together: one round trip, not two. If the user
    // is gone, the lists fail with NoSuchEntity and the answer is "nothing to revoke".
    const [exists, ...found] = await Promise.allSettled([
      userExists(context, user),
      ...kinds.map(async (name) => {
        try {
          return await kindOf(name).discover(context, request);
        } catch (error) {
          if (isNoSuchEntity(error)) throw error;
          throw new Error(`listing ${name} of IAM user ${user}: ${error instanceof Error && !('$metadata' in error) ? error.message : awsErrorText(error)}`);
        }
      }),
    ]);
    if (exists!.status === 'rejected') throw exists!.reason;
    if (!exists!.value) return [];
    return found.flatMap((result) => {
      if (result.status === 'rejected') throw result.reason instanceof Error && !isNoSuchEntity(result.reason) ? result.reason : new Error(`listing IAM user ${user}: ${awsErrorText(result.reason)}`);
      return result.value as Finding[];
    });
  },

  async revoke(context, finding: Finding, { user, mode, options }) {
    const request = requestOf(user, mode, options);
    const counter = { retries: 0 };
    try {
      const outcome = await retryCount.run(counter, () => kindOf(finding.kind).revoke(context, finding, request));
      return counter.retries > 0 ? { ...outcome, retries: counter.retries } : outcome;
    } catch (error) {
      if (finding.id === DELETE_USER_ID && awsErrorCode(error) === 'DeleteConflict') {
        const blockers = await remainingAttachments(context, user);
        throw new Error(
          `cannot delete IAM user ${user}: it still has ${blockers.length > 0 ? blockers.join(', ') : 'attachments'}; add their kinds to the step (or use revoke: [all])`,
        );
      }
      throw Object.assign(new Error(`${finding.kind} ${finding.id} of IAM user ${user}: ${awsErrorText(error)}`), { retries: counter.retries });
    }
  },
};
