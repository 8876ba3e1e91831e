import { GetAccessKeyInfoCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { PlannedProvider } from '../runbook/resolve.js';
import { TOOL_NAME, toolVersion } from '../version.js';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * The two STS reads of `revoke secret`, in their own module so the SDK loads only when an AWS
 * secret is in the input: the account of a key id, and who some credentials are.
 */

/** One STS client per aws-iam instance and credentials: the same endpoint and region rules as its connect(). */
function stsClientFor(instance: PlannedProvider, env: NodeJS.ProcessEnv, credentials?: Credentials): STSClient {
  const config = instance.config as { region?: string; endpoint?: string; stsEndpoint?: string; profile?: string };
  const endpoint = config.stsEndpoint ?? env.AWS_ENDPOINT_URL_STS ?? config.endpoint ?? env.AWS_ENDPOINT_URL;
  const own = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } : undefined;
  const chosen = credentials ?? own;
  return new STSClient({
    region: config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 3,
    // CloudTrail records the user agent: an operator can tell revoke's calls from everyone else's.
    customUserAgent: `${TOOL_NAME}/${toolVersion()}`,
    ...(endpoint ? { endpoint } : {}),
    ...(chosen ? { credentials: chosen } : config.profile ? { profile: config.profile } : {}),
  });
}

/** STS GetAccessKeyInfo with revoke's own credentials for the instance: the key's account. */
export async function accountOfKey(instance: PlannedProvider, env: NodeJS.ProcessEnv, accessKeyId: string, signal: AbortSignal): Promise<string | undefined> {
  return (await stsClientFor(instance, env).send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId }), { abortSignal: signal })).Account;
}

/** STS GetCallerIdentity signed with the given (leaked) credentials: whose they are. */
export async function arnOfCredentials(instance: PlannedProvider, env: NodeJS.ProcessEnv, credentials: Credentials, signal: AbortSignal): Promise<string> {
  return (await stsClientFor(instance, env, credentials).send(new GetCallerIdentityCommand({}), { abortSignal: signal })).Arn ?? '';
}
