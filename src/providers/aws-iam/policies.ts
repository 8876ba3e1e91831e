/** The inline policies revoke itself puts on users and roles. */

/** AWS's own name for the "revoke active sessions" policy the console attaches. */
export const REVOKE_OLDER_SESSIONS = 'AWSRevokeOlderSessions';
export const DENY_ALL = 'RevokeDenyAll';
export const REVOKE_OWNED_POLICIES = new Set([REVOKE_OLDER_SESSIONS, DENY_ALL]);

/**
 * The AWS managed policy that denies every action. Delete mode sets it as the user's permissions
 * boundary before it removes the policies above, so the user stays contained until DeleteUser.
 */
export const DENY_ALL_BOUNDARY = 'arn:aws:iam::aws:policy/AWSDenyAll';

/** Denies everything to sessions issued before `cutoff`: existing sessions die, new ones need valid credentials. */
export function revokeOlderSessionsPolicy(cutoff: Date): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff.toISOString() } },
      },
    ],
  });
}

/** Denies everything, whatever else the user is allowed: reversible containment. */
export function denyAllPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'RevokeContainment', Effect: 'Deny', Action: '*', Resource: '*' }],
  });
}
