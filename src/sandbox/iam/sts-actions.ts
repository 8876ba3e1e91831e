import { IamError } from './errors.js';
import { ACCOUNT_ID, type IamState } from './state.js';
import type { Params } from './iam-actions.js';
import type { XmlValue } from './xml.js';

export interface Caller {
  accessKeyId: string;
  arn: string;
  userId: string;
  /** Set when the caller is an IAM user (not an assumed role). */
  userName?: string;
}

export type StsHandler = (state: IamState, params: Params, caller: Caller) => Record<string, XmlValue>;

export const stsActions: Record<string, StsHandler> = {
  GetCallerIdentity: (_state, _params, caller) => ({ Arn: caller.arn, UserId: caller.userId, Account: ACCOUNT_ID }),
  AssumeRole: (state, p, caller) => {
    const name = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(p.RoleArn ?? '')?.[1];
    const role = name ? state.roles.get(name) : undefined;
    if (!role) throw new IamError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${p.RoleArn}`, 403);
    if (!p.RoleSessionName || !/^[\w+=,.@-]{2,64}$/.test(p.RoleSessionName)) throw new IamError('ValidationError', 'Invalid RoleSessionName', 400);
    const required = /"sts:ExternalId"\s*:\s*"([^"]+)"/.exec(role.trustPolicy)?.[1];
    if (required !== undefined && p.ExternalId !== required) {
      throw new IamError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${p.RoleArn}`, 403);
    }
    const accessKeyId = state.newId('ASIA');
    const expires = new Date(Date.now() + Number(p.DurationSeconds ?? 3600) * 1000);
    state.sessions.set(accessKeyId, { role: role.name, session: p.RoleSessionName, expires });
    return {
      Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: state.secret(), SessionToken: `sandbox-session-token-${accessKeyId}`, Expiration: expires },
      AssumedRoleUser: { AssumedRoleId: `${role.id}:${p.RoleSessionName}`, Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role.name}/${p.RoleSessionName}` },
    };
  },
};
