import type { IncomingMessage } from 'node:http';
import { IamError } from './errors.js';
import { explicitDeny } from './policy-evaluation.js';
import { ACCOUNT_ID, type IamState, type TemporarySession } from './state.js';

export interface Caller {
  accessKeyId: string;
  arn: string;
  userId: string;
  /** Set when the caller is an IAM user (long-term key or its own GetSessionToken session). */
  userName?: string;
  roleName?: string;
  /** Set for temporary credentials: what `aws:TokenIssueTime` is for this request. */
  session?: TemporarySession & { mfa?: boolean };
}

/** AWS managed policies the sandbox knows the content of (it cannot know them all). */
const AWS_MANAGED_DOCUMENTS: Record<string, string> = {
  'arn:aws:iam::aws:policy/AWSDenyAll': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: '*' }] }),
};

/**
 * Who signed the request, from the access key id in its SigV4 Authorization header (signatures
 * are not checked) and, for temporary credentials, the X-Amz-Security-Token header. Rejects as
 * AWS does: unknown, inactive or deleted keys and wrong session tokens with InvalidClientTokenId,
 * expired sessions with ExpiredToken.
 */
export function identify(state: IamState, req: IncomingMessage): Caller {
  const accessKeyId = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
  if (!accessKeyId) throw new IamError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  const invalid = () => new IamError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  const owner = state.ownerOfKey(accessKeyId);
  if (owner.session) {
    const session = owner.session;
    if (req.headers['x-amz-security-token'] !== session.token) throw invalid();
    if (session.expires.getTime() < Date.now()) throw new IamError('ExpiredToken', 'The security token included in the request is expired', 403);
    if ('role' in session) {
      const role = state.roles.get(session.role);
      if (!role) throw invalid();
      return { accessKeyId, arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role.name}/${session.session}`, userId: `${role.id}:${session.session}`, roleName: role.name, session };
    }
    const user = state.users.get(session.user);
    if (!user) throw invalid();
    return { accessKeyId, arn: `arn:aws:iam::${ACCOUNT_ID}:user${user.path}${user.name}`, userId: user.id, userName: user.name, session };
  }
  if (!owner.user || owner.key?.status !== 'Active') throw invalid();
  owner.key.lastUsed = { date: new Date(), service: 'iam', region: 'us-east-1' };
  return { accessKeyId, arn: `arn:aws:iam::${ACCOUNT_ID}:user${owner.user.path}${owner.user.name}`, userId: owner.user.id, userName: owner.user.name };
}

/**
 * Refuses what AWS refuses before any policy is read, then applies the caller's explicit Denies,
 * in its identity-based policies and in its permissions boundary (a Deny there refuses the
 * request of the user's keys and sessions alike): credentials from GetSessionToken without MFA
 * may not call IAM, nor STS beyond AssumeRole and GetCallerIdentity; GetCallerIdentity works
 * even under an explicit Deny.
 */
export function authorize(state: IamState, caller: Caller, service: 'iam' | 'sts' | 'cloudtrail', action: string, params: Record<string, string | undefined>): void {
  if (service === 'sts' && action === 'GetCallerIdentity') return;
  const userSession = caller.session && 'user' in caller.session ? caller.session : undefined;
  if (userSession && !userSession.mfa && (service === 'iam' || (service === 'sts' && action !== 'AssumeRole'))) {
    throw new IamError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  const request = {
    action: `${service}:${action}`,
    resource: resourceOf(state, params),
    now: new Date(),
    ...(caller.session ? { tokenIssueTime: caller.session.issued } : {}),
  };
  const deniedBy = explicitDeny(policiesOf(state, caller), request) ? 'an identity-based policy' : explicitDeny(boundaryOf(state, caller), request) ? 'a permissions boundary' : undefined;
  if (deniedBy) {
    throw new IamError('AccessDenied', `User: ${caller.arn} is not authorized to perform: ${service}:${action} on resource: ${request.resource} with an explicit deny in ${deniedBy}`, 403);
  }
}

const managedDocument = (state: IamState, arn: string): string | undefined => state.policies.get(arn)?.document ?? AWS_MANAGED_DOCUMENTS[arn];

function policiesOf(state: IamState, caller: Caller): string[] {
  if (caller.roleName) return [...(state.roles.get(caller.roleName)?.inlinePolicies.values() ?? [])];
  const user = caller.userName ? state.users.get(caller.userName) : undefined;
  if (!user) return [];
  const managed = user.managedPolicies.map((arn) => managedDocument(state, arn)).filter((d): d is string => d !== undefined);
  return [...user.inlinePolicies.values(), ...managed];
}

/** The user's permissions boundary (the caller's own, or that of the user whose session it is), if the sandbox knows its document. */
function boundaryOf(state: IamState, caller: Caller): string[] {
  const boundary = caller.userName ? state.users.get(caller.userName)?.boundary : undefined;
  const document = boundary ? managedDocument(state, boundary) : undefined;
  return document ? [document] : [];
}

function resourceOf(state: IamState, params: Record<string, string | undefined>): string {
  if (params.UserName) {
    const user = state.users.get(params.UserName);
    return `arn:aws:iam::${ACCOUNT_ID}:user${user?.path ?? '/'}${user?.name ?? params.UserName}`;
  }
  const assumed = /^arn:aws:iam::\d{12}:role\/.+$/.exec(params.RoleArn ?? '');
  if (assumed) return assumed[0];
  if (params.RoleName) return `arn:aws:iam::${ACCOUNT_ID}:role/${params.RoleName}`;
  if (params.GroupName) return `arn:aws:iam::${ACCOUNT_ID}:group/${params.GroupName}`;
  return '*';
}
