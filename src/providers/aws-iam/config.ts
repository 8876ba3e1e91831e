import { z } from 'zod';

/** A provider instance of type aws-iam. Credentials never come from here: the SDK's default chain finds them. */
export const awsIamConfigSchema = z.strictObject({
  region: z.string().optional().describe('AWS region for the API calls (IAM is global); default AWS_REGION or us-east-1.'),
  profile: z.string().optional().describe('Named profile from ~/.aws/config to take credentials from.'),
  endpoint: z.url().optional().describe('IAM endpoint URL (e.g. a local sandbox); also AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL.'),
  stsEndpoint: z.url().optional().describe('STS endpoint URL; defaults to AWS_ENDPOINT_URL_STS, else `endpoint` when set.'),
  assumeRoleArn: z
    .string()
    .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN like arn:aws:iam::123456789012:role/offboarding')
    .optional()
    .describe('Assume this role first, e.g. to reach another account.'),
  externalId: z.string().min(2).max(1224).optional().describe('External id the role trust policy requires.'),
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2-64 letters, digits or +=,.@_-')
    .optional()
    .describe('Role session name (default revoke); shows in CloudTrail.'),
  maxAttempts: z.number().int().min(1).max(20).optional().describe('Attempts per API call, retrying throttling and 5xx (default 8).'),
  requestsPerSecond: z.number().positive().max(1000).optional().describe('Client-side rate limit for this account (default 50, bursts up to that many).'),
  pageSize: z.number().int().min(1).max(1000).optional().describe('Items per page for List calls (default 100).'),
  watchRegions: z
    .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region name like eu-west-1'))
    .min(1)
    .optional()
    .describe('revoke watch: the regions to read CloudTrail in (default: every region enabled for the account, from account:ListRegions).'),
  sessionCutoffSkewSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .optional()
    .describe('sessions kind: an existing AWSRevokeOlderSessions cutoff at most this old counts as current (default 300); older ones are renewed.'),
});

export type AwsIamConfig = z.infer<typeof awsIamConfigSchema>;

export const awsIamStepOptionsSchema = z.object({
  roles: z
    .array(z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'))
    .optional()
    .describe('sessions kind: also revoke older sessions of these roles (affects everyone using them).'),
});
