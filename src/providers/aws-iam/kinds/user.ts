import type { Finding } from '../../types.js';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { outcome, Phase, type IamKind } from '../kind.js';
import { DENY_ALL, DENY_ALL_BOUNDARY, denyAllPolicy, REVOKE_OWNED_POLICIES } from '../policies.js';
import { userPolicyNames } from './sessions.js';

export const DELETE_USER_ID = 'delete-user';
export const DENY_ALL_ID = 'deny-all';
/** Delete mode: the AWSDenyAll permissions boundary that holds the user while it is deleted. */
export const DENY_ALL_BOUNDARY_ID = 'deny-all-boundary';

/** The deny-all policy as a finding: what discovery reports and what containment fires first. */
export const denyAllFinding = (name: string): Finding => ({ id: DENY_ALL_ID, kind: 'user', label: `deny-all policy ${DENY_ALL} on ${name}`, phase: Phase.Contain });

/** What a boundary the run put can be undone with: revoke does not hold the permission to widen one (see planRestore). */
const undoBoundary = (name: string, previous: string | undefined) =>
  previous ? `aws iam put-user-permissions-boundary --user-name ${name} --permissions-boundary ${previous}` : `aws iam delete-user-permissions-boundary --user-name ${name}`;

/**
 * The user itself. Disable mode attaches a deny-all inline policy (undo: delete the policy).
 * Delete mode attaches it first too, so the user is contained while the rest is removed; sets
 * the AWSDenyAll permissions boundary with the credentials (same round trip); and last removes
 * revoke's own policies and deletes the user: the boundary keeps the user contained between
 * the two (DeleteUser refuses while inline policies exist, revoke's deny-all and session cutoff
 * too, and once they are gone nothing else would deny the user's sessions).
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
    // GetUser: the same request as discovery's existence check (one answer through the read cache).
    const [policies, boundary] = await Promise.all([userPolicyNames(iam, name, pageSize), mode === 'delete' ? iam.getUser({ UserName: name }).then((r) => r.User?.PermissionsBoundary?.PermissionsBoundaryArn) : undefined]);
    if (!policies.includes(DENY_ALL)) findings.push(denyAllFinding(name));
    if (mode === 'delete') {
      if (boundary !== DENY_ALL_BOUNDARY) {
        findings.push({
          id: DENY_ALL_BOUNDARY_ID,
          kind: 'user',
          label: `AWSDenyAll permissions boundary on ${name}, holding it while it is deleted${boundary ? ` (replaces ${boundary})` : ''}`,
          phase: Phase.Credentials,
          details: boundary ? { previousBoundary: boundary } : {},
        });
      }
      findings.push({ id: DELETE_USER_ID, kind: 'user', label: `IAM user ${name} itself`, phase: Phase.User });
    }
    return findings;
  },
  async revoke({ iam }, finding, { user: name }) {
    if (finding.id === DENY_ALL_ID) {
      return outcome(await unlessGone(() => iam.putUserPolicy({ UserName: name, PolicyName: DENY_ALL, PolicyDocument: denyAllPolicy() })), 'deny-all attached');
    }
    // A boundary is not among what AWS's DeleteUser reference says to remove first (password,
    // access keys, signing certificates, SSH keys, service-specific credentials, MFA devices,
    // inline and attached policies, group memberships:
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html), so AWSDenyAll
    // as boundary holds until the user is gone. It replaces a boundary the user had (recorded).
    if (finding.id === DENY_ALL_BOUNDARY_ID) {
      return outcome(await unlessGone(() => iam.putUserPermissionsBoundary({ UserName: name, PermissionsBoundary: DENY_ALL_BOUNDARY })), 'AWSDenyAll boundary set');
    }
    await Promise.all([...REVOKE_OWNED_POLICIES].map((policy) => unlessGone(() => iam.deleteUserPolicy({ UserName: name, PolicyName: policy }))));
    return outcome(await unlessGone(() => iam.deleteUser({ UserName: name })), 'user deleted');
  },

  // `revoke restore`: the deny-all policy removed (it was not there before: else no finding).
  // The boundary of a delete-mode run that stopped before DeleteUser is the operator's to lift:
  // putting back or removing a boundary widens what a user may do, a permission revoke does not
  // hold (it may set AWSDenyAll only), so restore names the command (a conflict, exit 1).
  async planRestore({ iam, pageSize }, finding, { user: name }) {
    if (finding.id === DELETE_USER_ID) return { action: 'not-restorable', reason: `IAM user ${name} was deleted`, instead: `aws iam create-user --user-name ${name}`, identityRemoved: true };
    try {
      if (finding.id === DENY_ALL_BOUNDARY_ID) {
        const boundary = (await iam.getUser({ UserName: name })).User?.PermissionsBoundary?.PermissionsBoundaryArn;
        if (boundary !== DENY_ALL_BOUNDARY) return { action: 'restore', what: 'the AWSDenyAll boundary is gone already' };
        const previous = finding.details?.previousBoundary as string | undefined;
        return {
          action: 'conflict',
          reason: `IAM user ${name} is still held by the AWSDenyAll permissions boundary (the delete-mode run stopped before DeleteUser), so it can do nothing; to let it work again: ${undoBoundary(name, previous)}, then restore again`,
        };
      }
      const attached = (await userPolicyNames(iam, name, pageSize)).includes(DENY_ALL);
      return { action: 'restore', what: attached ? `remove the ${DENY_ALL} deny-all policy` : `${DENY_ALL} is gone already` };
    } catch (error) {
      if (isNoSuchEntity(error)) return { action: 'conflict', reason: `IAM user ${name} no longer exists (deleted since the run)` };
      throw error;
    }
  },
  async restore({ iam }, finding, { user: name }) {
    if (finding.id === DENY_ALL_BOUNDARY_ID) return { status: 'already-restored', detail: 'the AWSDenyAll boundary was gone already' };
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
