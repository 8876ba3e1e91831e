import type { Caller } from './caller.js';
import { IamError } from './errors.js';
import { ACCOUNT_ID, type IamState, type TemporarySession } from './state.js';
import type { Params } from './iam-actions.js';
import type { XmlValue } from './xml.js';

export type { Caller } from './caller.js';
export type StsHandler = (state: IamState, params: Params, caller: Caller) => Record<string, XmlValue>;

/** Issues temporary credentials (ASIA...) that carry their issue time, for `aws:TokenIssueTime`. */
export function issue(state: IamState, seconds: number, principal: { user: string } | { role: string; session: string }, extra: { mfa?: boolean } = {}) {
  const accessKeyId = state.newId('ASIA');
  const issued = new Date();
  const session: TemporarySession & { mfa?: boolean } = { secret: state.secret(), token: `sandbox-session-token-${accessKeyId}`, issued, expires: new Date(issued.getTime() + seconds * 1000), ...principal, ...extra };
  state.sessions.set(accessKeyId, session);
  // CloudTrail names the user behind a session key too.
  if ('user' in principal) state.keyOwners.set(accessKeyId, principal.user);
  return { AccessKeyId: accessKeyId, SecretAccessKey: session.secret, SessionToken: session.token, Expiration: session.expires };
}

function duration(value: string | undefined, min: number, max: number, fallback: number): number {
  const seconds = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new IamError('ValidationError', `1 validation error detected: Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${min} and ${max}`, 400);
  }
  return seconds;
}

/** The account the sandbox answers for access key ids it never issued (AWS decodes one from any key id). */
export const FOREIGN_ACCOUNT_ID = '210987654321';

export const stsActions: Record<string, StsHandler> = {
  GetCallerIdentity: (_state, _params, caller) => ({ Arn: caller.arn, UserId: caller.userId, Account: ACCOUNT_ID }),
  /** The account an access key id belongs to, whoever asks and whatever the key's status. */
  GetAccessKeyInfo: (state, p) => {
    if (!/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(p.AccessKeyId ?? '')) throw new IamError('ValidationError', `1 validation error detected: Value '${p.AccessKeyId}' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+`, 400);
    return { Account: state.keyOwners.has(p.AccessKeyId!) || state.sessions.has(p.AccessKeyId!) ? ACCOUNT_ID : FOREIGN_ACCOUNT_ID };
  },
  GetSessionToken: (state, p, caller) => {
    if (caller.session || !caller.userName) throw new IamError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
    const user = state.user(caller.userName);
    let mfa = false;
    if (p.SerialNumber !== undefined || p.TokenCode !== undefined) {
      if (!user.mfaSerials.includes(p.SerialNumber ?? '') || !/^\d{6}$/.test(p.TokenCode ?? '')) throw new IamError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.', 403);
      mfa = true;
    }
    return { Credentials: issue(state, duration(p.DurationSeconds, 900, 129_600, 43_200), { user: user.name }, { mfa }) };
  },
  AssumeRole: (state, p, caller) => {
    const name = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(p.RoleArn ?? '')?.[1];
    const role = name ? state.roles.get(name) : undefined;
    if (!role) throw new IamError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${p.RoleArn}`, 403);
    if (!p.RoleSessionName || !/^[\w+=,.@-]{2,64}$/.test(p.RoleSessionName)) throw new IamError('ValidationError', 'Invalid RoleSessionName', 400);
    const required = /"sts:ExternalId"\s*:\s*"([^"]+)"/.exec(role.trustPolicy)?.[1];
    if (required !== undefined && p.ExternalId !== required) {
      throw new IamError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${p.RoleArn}`, 403);
    }
    const credentials = issue(state, duration(p.DurationSeconds, 900, 43_200, 3600), { role: role.name, session: p.RoleSessionName });
    return {
      Credentials: credentials,
      AssumedRoleUser: { AssumedRoleId: `${role.id}:${p.RoleSessionName}`, Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role.name}/${p.RoleSessionName}` },
    };
  },
};
