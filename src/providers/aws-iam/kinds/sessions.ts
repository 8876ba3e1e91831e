import type { IAM } from '@aws-sdk/client-iam';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';
import { REVOKE_OLDER_SESSIONS, revokeOlderSessionsPolicy } from '../policies.js';

async function userPolicyNames(iam: IAM, user: string, pageSize: number): Promise<string[]> {
  return collectPages(async (marker) => {
    const page = await iam.listUserPolicies({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return { ...page, items: page.PolicyNames };
  });
}

/**
 * Cuts sessions already issued (console sessions, temporary credentials) the way AWS's console
 * "Revoke active sessions" does: an inline policy denying everything to tokens issued before now.
 * With `roles:` on the step, the same policy goes on those roles: everyone's current sessions of
 * those roles end, which the plan warns about.
 */
export const sessions: IamKind = {
  name: 'sessions',
  description: `active sessions: an ${REVOKE_OLDER_SESSIONS} inline policy denies everything to tokens issued before now (also on the step's roles:)`,
  permissions: ['iam:ListUserPolicies', 'iam:PutUserPolicy', 'iam:ListRolePolicies', 'iam:PutRolePolicy'],
  reversible: true,
  async discover({ iam, pageSize }, { user, roles }) {
    const findings = [];
    if (!(await userPolicyNames(iam, user, pageSize)).includes(REVOKE_OLDER_SESSIONS)) {
      findings.push({ id: `user/${user}`, kind: 'sessions', label: `sessions of ${user} issued before now`, phase: Phase.Contain });
    }
    for (const role of roles) {
      try {
        await iam.listRolePolicies({ RoleName: role, MaxItems: 1 });
      } catch (error) {
        if (isNoSuchEntity(error)) throw new Error(`sessions: role ${role} does not exist; check roles: in the step`);
        throw error;
      }
      findings.push({
        id: `role/${role}`,
        kind: 'sessions',
        label: `sessions of role ${role} issued before now`,
        phase: Phase.Contain,
        warnings: [`revoking sessions of role ${role} ends the current sessions of everyone using that role, not only ${user}'s`],
      });
    }
    return findings;
  },
  async revoke({ iam }, finding, { user }) {
    const document = revokeOlderSessionsPolicy(new Date());
    if (finding.id.startsWith('role/')) {
      const role = finding.id.slice('role/'.length);
      return outcome(await unlessGone(() => iam.putRolePolicy({ RoleName: role, PolicyName: REVOKE_OLDER_SESSIONS, PolicyDocument: document })), 'older sessions denied');
    }
    return outcome(await unlessGone(() => iam.putUserPolicy({ UserName: user, PolicyName: REVOKE_OLDER_SESSIONS, PolicyDocument: document })), 'older sessions denied');
  },
};

export { userPolicyNames };
