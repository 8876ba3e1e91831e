import type { Finding } from '../../types.js';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { outcome, Phase, type IamKind } from '../kind.js';
import { DENY_ALL, DENY_ALL_BOUNDARY, denyAllPolicy, REVOKE_OWNED_POLICIES } from '../policies.js';
import { userPolicyNames } from './sessions.js';

export const DELETE_USER_ID = 'delete-user';
export const DENY_ALL_ID = 'deny-all';

/** The deny-all policy as a finding: what discovery reports and what containment fires first. */
export const denyAllFinding = (name: string): Finding => ({ id: DENY_ALL_ID, kind: 'user', label: `deny-all policy ${DENY_ALL} on ${name}`, phase: Phase.Contain });

/**
 * The user itself. Disable mode attaches a deny-all inline policy (undo: delete the policy).
 * Delete mode attaches it first too, so the user is contained while the rest is removed, and
 * then, last, sets the AWSDenyAll permissions boundary, removes revoke's own policies and
 * deletes the user: the boundary keeps the user contained through its deletion.
 */
export const user: IamKind = {
  name: 'user',
  description: `the IAM user: disable attaches a ${DENY_ALL} deny-all policy; delete attaches it first, then deletes the user last, held by the AWSDenyAll permissions boundary meanwhile`,
  // iam:PutUserPermissionsBoundary is granted for AWSDenyAll only (permissions.ts: condition iam:PermissionsBoundary).
  permissions: ['iam:GetUser', 'iam:ListUserPolicies', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:DeleteUser', 'iam:PutUserPermissionsBoundary'],
  // The deny-all policy (disable mode) is removed by `revoke restore`; a deleted user is not restorable.
  reversible: true,
  async discover({ iam, pageSize }, { user: name, mode }) {
    const findings: Finding[] = [];
    if (!(await userPolicyNames(iam, name, pageSize)).includes(DENY_ALL)) findings.push(denyAllFinding(name));
    if (mode === 'delete') findings.push({ id: DELETE_USER_ID, kind: 'user', label: `IAM user ${name} itself (held by a deny-all permissions boundary while revoke's policies are removed)`, phase: Phase.User });
    return findings;
  },
  async revoke({ iam }, finding, { user: name }) {
    if (finding.id === DENY_ALL_ID) {
      return outcome(await unlessGone(() => iam.putUserPolicy({ UserName: name, PolicyName: DENY_ALL, PolicyDocument: denyAllPolicy() })), 'deny-all attached');
    }
    // DeleteUser refuses while inline policies exist, revoke's deny-all and session cutoff too;
    // between their removal and DeleteUser nothing would deny the user's sessions. A boundary
    // is not among what AWS's DeleteUser reference says to remove first (password, access keys,
    // signing certificates, SSH keys, service-specific credentials, MFA devices, inline and
    // attached policies, group memberships:
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html), so AWSDenyAll
    // as boundary holds until the user is gone. It replaces a boundary the user had: the user is
    // being deleted.
    if ((await unlessGone(() => iam.putUserPermissionsBoundary({ UserName: name, PermissionsBoundary: DENY_ALL_BOUNDARY }))) === 'gone') return outcome('gone');
    await Promise.all([...REVOKE_OWNED_POLICIES].map((policy) => unlessGone(() => iam.deleteUserPolicy({ UserName: name, PolicyName: policy }))));
    return outcome(await unlessGone(() => iam.deleteUser({ UserName: name })), 'user deleted');
  },

  // `revoke restore`: the deny-all policy removed (it was not there before: else no finding).
  // A user still held by the AWSDenyAll boundary (a delete-mode run that stopped before
  // DeleteUser) could do nothing without it either: the operator decides, so a conflict.
  async planRestore({ iam, pageSize }, finding, { user: name }) {
    if (finding.id === DELETE_USER_ID) return { action: 'not-restorable', reason: `IAM user ${name} was deleted`, instead: `aws iam create-user --user-name ${name}`, identityRemoved: true };
    try {
      const [boundary, policies] = await Promise.all([iam.getUser({ UserName: name }).then((r) => r.User?.PermissionsBoundary?.PermissionsBoundaryArn), userPolicyNames(iam, name, pageSize)]);
      if (boundary === DENY_ALL_BOUNDARY) {
        return {
          action: 'conflict',
          reason: `IAM user ${name} is held by the AWSDenyAll permissions boundary (delete mode sets it just before DeleteUser; that run stopped in between): removing ${DENY_ALL} would still leave it unable to do anything; to let it work again run aws iam delete-user-permissions-boundary --user-name ${name}, then restore again`,
        };
      }
      return { action: 'restore', what: policies.includes(DENY_ALL) ? `remove the ${DENY_ALL} deny-all policy` : `${DENY_ALL} is gone already` };
    } catch (error) {
      if (isNoSuchEntity(error)) return { action: 'conflict', reason: `IAM user ${name} no longer exists (deleted since the run)` };
      throw error;
    }
  },
  async restore({ iam }, _finding, { user: name }) {
    try {
      await iam.deleteUserPolicy({ UserName: name, PolicyName: DENY_ALL });
      return { status: 'restored', detail: `${DENY_ALL} removed` };
    } catch (error) {
      if (!isNoSuchEntity(error)) throw error;
    }
    // NoSuchEntity: the policy, or the whole user, is gone.
    return (await unlessGone(() => iam.getUser({ UserName: name }))) === 'gone' ? { status: 'conflict', reason: `IAM user ${name} no longer exists (deleted since the run)` } : { status: 'already-restored', detail: `${DENY_ALL} was gone already` };
  },
};
