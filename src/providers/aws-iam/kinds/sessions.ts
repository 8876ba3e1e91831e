import type { IAM } from '@aws-sdk/client-iam';
import type { Finding } from '../../types.js';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { collectPages, DEFAULT_SESSION_CUTOFF_SKEW_MS, outcome, Phase, type IamKind } from '../kind.js';
import { REVOKE_OLDER_SESSIONS, revokeOlderSessionsPolicy } from '../policies.js';

async function userPolicyNames(iam: IAM, user: string, pageSize: number): Promise<string[]> {
  return collectPages(async (marker) => {
    const page = await iam.listUserPolicies({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
    return { ...page, items: page.PolicyNames };
  });
}

/** The `aws:TokenIssueTime` cutoff of an AWSRevokeOlderSessions policy (URL-encoded, as IAM returns it), if it has one. */
export function sessionCutoffOf(encodedDocument: string | undefined): Date | undefined {
  if (!encodedDocument) return undefined;
  try {
    const document = JSON.parse(decodeURIComponent(encodedDocument)) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    const cutoffs = statements
      .map((s) => (s as { Effect?: string; Condition?: { DateLessThan?: Record<string, unknown> } } | undefined))
      .filter((s) => s?.Effect === 'Deny')
      .map((s) => new Date(String(s?.Condition?.DateLessThan?.['aws:TokenIssueTime'] ?? '')))
      .filter((d) => !Number.isNaN(d.getTime()));
    return cutoffs.length > 0 ? new Date(Math.max(...cutoffs.map((d) => d.getTime()))) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What an existing AWSRevokeOlderSessions policy leaves open: nothing when its cutoff is recent
 * (within `skewMs` of now, e.g. set earlier in this run); otherwise every session issued since the
 * cutoff, which a new cutoff must close. A policy without a readable cutoff closes nothing.
 */
async function staleCutoff(iam: IAM, user: string, skewMs: number): Promise<{ stale: false } | { stale: true; cutoff: Date | undefined }> {
  const { PolicyDocument } = await iam.getUserPolicy({ UserName: user, PolicyName: REVOKE_OLDER_SESSIONS });
  const cutoff = sessionCutoffOf(PolicyDocument);
  return cutoff && cutoff.getTime() >= Date.now() - skewMs ? { stale: false } : { stale: true, cutoff };
}

/** The user's own sessions as a finding: what discovery reports and what containment fires first. */
export const userSessionsFinding = (user: string): Finding => ({ id: `user/${user}`, kind: 'sessions', label: `sessions of ${user} issued before now`, phase: Phase.Contain });

/**
 * Cuts sessions already issued (console sessions, temporary credentials) the way AWS's console
 * "Revoke active sessions" does: an inline policy denying everything to tokens issued before now.
 * With `roles:` on the step, the same policy goes on those roles: everyone's current sessions of
 * those roles end, which the plan warns about.
 */
export const sessions: IamKind = {
  name: 'sessions',
  description: `active sessions: an ${REVOKE_OLDER_SESSIONS} inline policy denies everything to tokens issued before now (also on the step's roles:)`,
  permissions: ['iam:ListUserPolicies', 'iam:GetUserPolicy', 'iam:PutUserPolicy', 'iam:ListRolePolicies', 'iam:PutRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteRolePolicy'],
  reversible: true,
  async discover({ iam, pageSize, sessionCutoffSkewMs }, { user, roles }) {
    const findings: Finding[] = [];
    if (!(await userPolicyNames(iam, user, pageSize)).includes(REVOKE_OLDER_SESSIONS)) {
      findings.push(userSessionsFinding(user));
    } else {
      const existing = await unlessGoneValue(() => staleCutoff(iam, user, sessionCutoffSkewMs ?? DEFAULT_SESSION_CUTOFF_SKEW_MS));
      if (existing?.stale) {
        const since = existing.cutoff ? `its ${REVOKE_OLDER_SESSIONS} cutoff of ${existing.cutoff.toISOString()} lets every later session through` : `its ${REVOKE_OLDER_SESSIONS} policy has no readable cutoff`;
        findings.push({
          id: `user/${user}`,
          kind: 'sessions',
          label: `sessions of ${user} issued before now (${since}; a new cutoff replaces it)`,
          phase: Phase.Contain,
          details: { previousCutoff: existing.cutoff?.toISOString() ?? 'none' },
        });
      }
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

  // `revoke restore`: the cutoff stays (old sessions stay dead; the person signs in again) unless
  // --also-sessions-policy; then the earlier cutoff (details.previousCutoff) is put back, or the policy removed.
  async planRestore({ iam }, finding, { user }, { undoSessionCutoffs }) {
    if (!undoSessionCutoffs) return { action: 'keep', reason: `${REVOKE_OLDER_SESSIONS} stays: sessions issued before the run stay dead, new sign-ins work (--also-sessions-policy removes it)` };
    if (finding.details?.previousCutoff === 'none') return { action: 'keep', reason: `its earlier ${REVOKE_OLDER_SESSIONS} policy had no readable cutoff to put back; left as it is` };
    const target = sessionTarget(finding, user);
    try {
      if (target.role) await iam.listRolePolicies({ RoleName: target.role, MaxItems: 1 });
      else await iam.listUserPolicies({ UserName: user, MaxItems: 1 });
    } catch (error) {
      if (isNoSuchEntity(error)) return { action: 'conflict', reason: `${target.what} no longer exists` };
      throw error;
    }
    const previous = previousCutoff(finding);
    return { action: 'restore', what: previous ? `put back the earlier cutoff ${previous.toISOString()} on ${target.what}` : `remove ${REVOKE_OLDER_SESSIONS} from ${target.what} (sessions issued before the run work again)` };
  },
  async restore({ iam }, finding, { user }) {
    const target = sessionTarget(finding, user);
    const previous = previousCutoff(finding);
    const done = await unlessGone(() => {
      if (previous) {
        const document = revokeOlderSessionsPolicy(previous);
        return target.role ? iam.putRolePolicy({ RoleName: target.role, PolicyName: REVOKE_OLDER_SESSIONS, PolicyDocument: document }) : iam.putUserPolicy({ UserName: user, PolicyName: REVOKE_OLDER_SESSIONS, PolicyDocument: document });
      }
      return target.role ? iam.deleteRolePolicy({ RoleName: target.role, PolicyName: REVOKE_OLDER_SESSIONS }) : iam.deleteUserPolicy({ UserName: user, PolicyName: REVOKE_OLDER_SESSIONS });
    });
    if (done === 'gone') return previous ? { status: 'conflict', reason: `${target.what} no longer exists` } : { status: 'already-restored', detail: `no ${REVOKE_OLDER_SESSIONS} policy` };
    return { status: 'restored', detail: previous ? `cutoff back to ${previous.toISOString()}` : `${REVOKE_OLDER_SESSIONS} removed` };
  },
};

function sessionTarget(finding: Finding, user: string): { role?: string; what: string } {
  if (!finding.id.startsWith('role/')) return { what: `IAM user ${user}` };
  const role = finding.id.slice('role/'.length);
  return { role, what: `role ${role}` };
}

/** The cutoff an older AWSRevokeOlderSessions policy had before the run replaced it, if any. */
function previousCutoff(finding: Finding): Date | undefined {
  const recorded = finding.details?.previousCutoff;
  const date = typeof recorded === 'string' ? new Date(recorded) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** The value of `read`, or undefined when the policy vanished between list and get. */
async function unlessGoneValue<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}

export { userPolicyNames };
