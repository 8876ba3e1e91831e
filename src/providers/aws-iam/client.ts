import { IAM } from '@aws-sdk/client-iam';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { InvalidInputError } from '../../errors.js';
import { TOOL_NAME, toolVersion } from '../../version.js';
import type { ConnectContext, Connection } from '../types.js';
import { awsErrorCode, awsErrorText } from './aws-errors.js';
import type { AwsIamConfig } from './config.js';
import type { IamContext } from './kind.js';
import { TokenBucket } from './rate-limit.js';
import { refuseWrites } from './read-only.js';
import { countAttempts } from './retry-count.js';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
type CredentialSource = Credentials | (() => Promise<Credentials>) | undefined;

const DEFAULT_ATTEMPTS = 8;
const DEFAULT_RATE = 50;

/**
 * Connects to one AWS account: credentials from the SDK's default chain (or the environment
 * handed to the CLI), optionally through AssumeRole, then STS GetCallerIdentity to learn who we
 * are: the record names it and the self-lockout guard refuses to revoke it.
 */
export async function connectIam(config: AwsIamConfig, context: ConnectContext): Promise<Connection<IamContext>> {
  const { env } = context;
  const { region, endpoint, stsEndpoint } = awsEndpoints(config, env);
  const maxAttempts = config.maxAttempts ?? DEFAULT_ATTEMPTS;
  const base = {
    region,
    maxAttempts,
    // Standard mode: exponential backoff with jitter, Retry-After honoured. Adaptive mode also
    // slows the client down on throttles, which with bursty IAM throttling took minutes.
    retryMode: 'standard' as const,
    // CloudTrail records the user agent: an operator can tell revoke's calls from everyone else's.
    customUserAgent: `${TOOL_NAME}/${toolVersion()}`,
    ...(config.profile ? { profile: config.profile } : {}),
  };

  let credentials: CredentialSource = credentialsFromEnv(env);
  const sts = new STSClient({ ...base, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), ...(credentials ? { credentials } : {}) });
  if (config.assumeRoleArn) credentials = assumeRole(sts, config);

  const limiter = new TokenBucket(config.requestsPerSecond ?? DEFAULT_RATE);
  const newIam = () => {
    const iam = new IAM({ ...base, retryStrategy: retryingConflicts(maxAttempts), ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) });
    iam.middlewareStack.add((next) => async (args) => {
      await limiter.take();
      return next(args);
    }, { step: 'finalizeRequest', name: 'revokeRateLimit', priority: 'low' });
    iam.middlewareStack.add(
      (next) => async (args) => {
        try {
          const result = await next(args);
          countAttempts((result.output as { $metadata?: { attempts?: number } }).$metadata);
          return result;
        } catch (error) {
          countAttempts((error as { $metadata?: { attempts?: number } }).$metadata);
          throw error;
        }
      },
      { step: 'initialize', name: 'revokeCountRetries' },
    );
    return iam;
  };
  const iam = newIam();
  // Discovery, presence, evidence and watch get their own client whose every write is refused.
  const readOnlyIam = refuseWrites(newIam(), 'iam');

  const identitySts = config.assumeRoleArn ? new STSClient({ ...base, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), credentials: credentials! }) : sts;
  let arn: string;
  try {
    arn = (await identitySts.send(new GetCallerIdentityCommand({}), { abortSignal: context.signal })).Arn ?? 'unknown';
  } catch (error) {
    throw connectError(context.instance, error);
  }
  const selfUser = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  const cloudTrailEndpoint = env.AWS_ENDPOINT_URL_CLOUDTRAIL ?? config.endpoint ?? env.AWS_ENDPOINT_URL;
  // CloudTrail is regional: one client per region `revoke watch` looks in.
  const cloudTrail = async (cloudTrailRegion = region) => {
    const { cloudTrailClient } = await import('./cloudtrail-client.js');
    // Only `revoke watch` uses CloudTrail, and only to read.
    return refuseWrites(cloudTrailClient({ ...base, region: cloudTrailRegion, ...(cloudTrailEndpoint ? { endpoint: cloudTrailEndpoint } : {}), ...(credentials ? { credentials } : {}) }), 'cloudtrail');
  };
  const accountEndpoint = env.AWS_ENDPOINT_URL_ACCOUNT ?? config.endpoint ?? env.AWS_ENDPOINT_URL;
  // Only `revoke watch` uses AWS Account, to list the enabled regions.
  const account = async () => {
    const { accountClient } = await import('./account-client.js');
    return refuseWrites(accountClient({ ...base, ...(accountEndpoint ? { endpoint: accountEndpoint } : {}), ...(credentials ? { credentials } : {}) }), 'account');
  };
  return {
    client: { iam, readOnlyIam, pageSize: config.pageSize ?? 100, cloudTrail, account, ...(config.watchRegions ? { watchRegions: config.watchRegions } : {}), ...(config.sessionCutoffSkewSeconds !== undefined ? { sessionCutoffSkewMs: config.sessionCutoffSkewSeconds * 1000 } : {}) },
    actor: arn,
    ...(selfUser ? { selfUser } : {}),
  };
}

/** The region and the IAM and STS endpoints a provider instance talks to (config first, then the environment). */
export function awsEndpoints(config: AwsIamConfig, env: NodeJS.ProcessEnv): { region: string; endpoint: string | undefined; stsEndpoint: string | undefined } {
  return {
    region: config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: config.endpoint ?? env.AWS_ENDPOINT_URL_IAM ?? env.AWS_ENDPOINT_URL,
    stsEndpoint: config.stsEndpoint ?? env.AWS_ENDPOINT_URL_STS ?? config.endpoint ?? env.AWS_ENDPOINT_URL,
  };
}

function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

/** Temporary credentials of the role, refreshed five minutes before they expire. */
function assumeRole(sts: STSClient, config: AwsIamConfig): () => Promise<Credentials> {
  let current: Credentials | undefined;
  return async () => {
    if (current?.expiration && current.expiration.getTime() - Date.now() > 5 * 60_000) return current;
    const response = await sts.send(
      new AssumeRoleCommand({
        RoleArn: config.assumeRoleArn,
        RoleSessionName: config.sessionName ?? 'revoke',
        ...(config.externalId ? { ExternalId: config.externalId } : {}),
      }),
    );
    const c = response.Credentials!;
    current = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, ...(c.Expiration ? { expiration: c.Expiration } : {}) };
    return current;
  };
}

/**
 * The SDK's standard retry strategy (backoff with jitter, Retry-After, a retry budget), told that
 * ConcurrentModification is transient: IAM answers it when two changes to one entity race, and
 * asks to try again. The SDK counts these retries in $metadata.attempts like any other.
 */
function retryingConflicts(maxAttempts: number): RetryStrategyV2 {
  const standard = new StandardRetryStrategy(maxAttempts);
  return {
    acquireInitialRetryToken: (scope) => standard.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token, info) =>
      standard.refreshRetryTokenForRetry(token as StandardRetryToken, awsErrorCode(info.error) === 'ConcurrentModification' ? { ...info, errorType: 'TRANSIENT' } : info),
    recordSuccess: (token) => standard.recordSuccess(token as StandardRetryToken),
  };
}

function connectError(instance: string, error: unknown): InvalidInputError {
  const name = (error as { name?: string }).name ?? '';
  if (name === 'CredentialsProviderError' || /credential/i.test(name)) {
    return new InvalidInputError(
      `no AWS credentials found for provider ${instance}`,
      'set AWS_PROFILE (or profile: in the runbook), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`',
    );
  }
  const code = awsErrorCode(error);
  if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch' || code === 'ExpiredToken' || code === 'UnrecognizedClient') {
    return new InvalidInputError(`AWS rejected the credentials of provider ${instance}: ${awsErrorText(error)}`, 'refresh or replace the credentials (expired session? deleted key?)');
  }
  if (code === 'AccessDenied') {
    return new InvalidInputError(`provider ${instance} could not assume its role: ${awsErrorText(error)}`, 'check assumeRoleArn, externalId and the role trust policy');
  }
  return new InvalidInputError(`cannot reach AWS for provider ${instance}: ${awsErrorText(error)}`, 'check endpoint/region settings and the network');
}
