import { IAM } from '@aws-sdk/client-iam';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import type { ConnectContext, Connection } from '../types.js';
import { awsErrorCode } from './aws-errors.js';
import type { AwsIamConfig } from './config.js';
import { awsEndpoints, type CallerIdentity } from './identity.js';
import type { IamContext } from './kind.js';
import { TokenBucket } from '../token-bucket.js';
import { cachedIamReads, refuseWrites } from './read-only.js';
import { countAttempts } from './retry-count.js';
import { userPolicyNames } from './kinds/sessions.js';

export { awsEndpoints } from './identity.js';

const DEFAULT_RATE = 50;

/**
 * Connects to one AWS account: the IAM clients over the credentials `identity` uses (the SDK's
 * default chain or the environment handed to the CLI, optionally through AssumeRole), and STS
 * GetCallerIdentity's answer (asked before this module loaded) to learn who we are: the record
 * names it and the self-lockout guard refuses to revoke it.
 */
export async function connectIam(config: AwsIamConfig, context: ConnectContext, identity: CallerIdentity): Promise<Connection<IamContext>> {
  const { env } = context;
  const { region, endpoint } = awsEndpoints(config, env);
  const { base, credentials } = identity;
  const { maxAttempts } = base;

  const limiter = new TokenBucket(config.requestsPerSecond ?? DEFAULT_RATE);
  const newIam = (requestHandler?: IAM['config']['requestHandler']) => {
    const iam = new IAM({ ...base, retryStrategy: retryingConflicts(maxAttempts), ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}), ...(requestHandler ? { requestHandler } : {}) });
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
  // It shares the connections of the other (one request handler, one keep-alive pool): the
  // person's reads connect starts warm them, so containment's first write does not wait for a
  // new TCP and TLS handshake to IAM (two round trips against AWS) while discovery's reads,
  // on warm connections, overtake it.
  const readOnlyIam = refuseWrites(newIam(iam.config.requestHandler), 'iam');

  // A run's people: their user and inline policy names (what the guard and containment read
  // first) are asked now, beside the identity question still on its way, into the read cache the
  // run's discovery and containment use (`withReadCache`). Read-only; a person who does not
  // exist answers NoSuchEntity there, as later.
  const pageSize = config.pageSize ?? 100;
  const readCache = context.users ? cachedIamReads(readOnlyIam) : undefined;
  for (const user of readCache ? (context.users ?? []) : []) {
    readCache!.getUser({ UserName: user }).catch(() => undefined);
    userPolicyNames(readCache!, user, pageSize).catch(() => undefined);
  }

  const arn = await identity.arn;
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
    client: { iam, readOnlyIam, ...(readCache ? { readCache } : {}), pageSize, cloudTrail, account, ...(config.watchRegions ? { watchRegions: config.watchRegions } : {}), ...(config.sessionCutoffSkewSeconds !== undefined ? { sessionCutoffSkewMs: config.sessionCutoffSkewSeconds * 1000 } : {}) },
    actor: arn,
    ...(selfUser ? { selfUser } : {}),
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
