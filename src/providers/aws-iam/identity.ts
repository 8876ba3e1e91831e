import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { InvalidInputError } from '../../errors.js';
import { TOOL_NAME, toolVersion } from '../../version.js';
import type { ConnectContext } from '../types.js';
import { awsErrorCode, awsErrorText } from './aws-errors.js';
import type { AwsIamConfig } from './config.js';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
export type CredentialSource = Credentials | (() => Promise<Credentials>) | undefined;

const DEFAULT_ATTEMPTS = 8;

/** The SDK settings every client of one provider instance shares (STS, IAM, CloudTrail, Account). */
export interface SdkSettings {
  region: string;
  maxAttempts: number;
  retryMode: 'standard';
  customUserAgent: string;
  profile?: string;
}

/** Who connect runs as, being asked: the settings and credentials the other clients use at once, and STS's answer to come. */
export interface CallerIdentity {
  base: SdkSettings;
  credentials: CredentialSource;
  /** The caller's ARN; rejects with the worded InvalidInputError when STS refuses or cannot be reached. */
  arn: Promise<string>;
}

/**
 * Sends STS GetCallerIdentity (through AssumeRole first when configured) with credentials from
 * the SDK's default chain or the environment handed to the CLI, and returns without waiting for
 * the answer. This module loads only the STS client, so the question leaves before the (larger)
 * IAM client has loaded; the IAM client loads while the answer is on its way.
 */
export function askCallerIdentity(config: AwsIamConfig, context: ConnectContext): CallerIdentity {
  const { env } = context;
  const { region, stsEndpoint } = awsEndpoints(config, env);
  const base: SdkSettings = {
    region,
    maxAttempts: config.maxAttempts ?? DEFAULT_ATTEMPTS,
    // Standard mode: exponential backoff with jitter, Retry-After honoured. Adaptive mode also
    // slows the client down on throttles, which with bursty IAM throttling took minutes.
    retryMode: 'standard',
    // CloudTrail records the user agent: an operator can tell revoke's calls from everyone else's.
    customUserAgent: `${TOOL_NAME}/${toolVersion()}`,
    ...(config.profile ? { profile: config.profile } : {}),
  };
  let credentials: CredentialSource = credentialsFromEnv(env);
  const sts = new STSClient({ ...base, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), ...(credentials ? { credentials } : {}) });
  if (config.assumeRoleArn) credentials = assumeRole(sts, config);
  const identitySts = config.assumeRoleArn ? new STSClient({ ...base, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), credentials: credentials! }) : sts;
  const arn = identitySts.send(new GetCallerIdentityCommand({}), { abortSignal: context.signal }).then(
    (answer) => answer.Arn ?? 'unknown',
    (error: unknown) => {
      throw connectError(context.instance, error);
    },
  );
  // Awaited by connect once the IAM client has loaded; a refusal before then is not unhandled.
  arn.catch(() => undefined);
  return { base, credentials, arn };
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
