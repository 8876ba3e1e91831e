import type { STSClient } from '@aws-sdk/client-sts';
import { errorMessage } from '../errors.js';
import type { PlannedProvider } from '../runbook/resolve.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import type { SecretContext } from './plan.js';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** One STS client per aws-iam instance and credentials: the same endpoint and region rules as its connect(). */
export async function stsClientFor(instance: PlannedProvider, env: NodeJS.ProcessEnv, credentials?: Credentials): Promise<STSClient> {
  const { STSClient } = await import('@aws-sdk/client-sts');
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

/** The 12-digit account of a connected instance, from the ARN it authenticated as. */
export const accountOfActor = (actor: string) => /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(actor)?.[1];

/**
 * The aws-iam instance of the runbook connected to the account an access key id belongs to
 * (STS GetAccessKeyInfo, a read any principal may make), or why there is none.
 */
export async function instanceForKey(accessKeyId: string, context: SecretContext): Promise<{ instance: PlannedProvider; account: string } | { missing: string }> {
  const instances = context.providers.ofType('aws-iam');
  if (instances.length === 0) return { missing: 'no aws-iam provider in the runbook to identify and revoke it with (pass -r <runbook>)' };
  let account: string | undefined;
  const errors: string[] = [];
  for (const instance of instances) {
    let actor: string;
    try {
      actor = (await context.providers.connect(instance)).actor;
    } catch (error) {
      errors.push(errorMessage(error));
      continue;
    }
    if (account === undefined) {
      const { GetAccessKeyInfoCommand } = await import('@aws-sdk/client-sts');
      context.count('aws:sts:GetAccessKeyInfo');
      try {
        account = (await (await stsClientFor(instance, context.env)).send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId }), { abortSignal: context.signal })).Account;
      } catch (error) {
        errors.push(`STS GetAccessKeyInfo through ${instance.name}: ${errorMessage(error)}`);
        continue;
      }
    }
    if (account && accountOfActor(actor) === account) return { instance, account };
  }
  if (account) return { missing: `it belongs to AWS account ${account}, which no aws-iam provider of the runbook is connected to` };
  return { missing: errors[0] ?? 'could not tell which AWS account it belongs to' };
}

