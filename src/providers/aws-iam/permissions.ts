import { iamKinds } from './kinds/index.js';
import { DENY_ALL_BOUNDARY } from './policies.js';

/** Called on every run, whatever the kinds: who am I, and does the user exist. */
export const BASE_PERMISSIONS = ['sts:GetCallerIdentity', 'iam:GetUser', 'iam:ListUsers'];

/** `revoke drill` only (give it on staging): making the canary, under the /revoke-drill/ path. */
export const DRILL_CANARY_PERMISSIONS = ['iam:CreateAccessKey', 'iam:CreateUser', 'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice'];

/**
 * Delete mode holds the user with the AWSDenyAll boundary until DeleteUser; granted for that
 * boundary only, so the operator cannot loosen anyone's boundary: iam:PermissionsBoundary is
 * the condition key IAM sets on CreateUser and PutUserPermissionsBoundary to the boundary's ARN
 * (Service Authorization Reference, IAM; https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
 */
const BOUNDARY_PERMISSION = 'iam:PutUserPermissionsBoundary';

/**
 * The IAM policy the aws-iam provider needs for every kind, and nothing else. Ships as
 * docs/aws-iam-policy.json and prints with `revoke providers aws-iam`; a test keeps both in step
 * with what the provider actually calls. Narrow `Resource` to a path (user/staff/*) if you can.
 */
export function leastPrivilegePolicy(): Record<string, unknown> {
  const actions = [...new Set([...BASE_PERMISSIONS, ...iamKinds.flatMap((k) => k.permissions)])];
  const iamActions = actions.filter((a) => a.startsWith('iam:') && a !== BOUNDARY_PERMISSION).sort();
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'RevokeIdentity', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
      { Sid: 'RevokeWatch', Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'account:ListRegions'], Resource: '*' },
      { Sid: 'RevokeIamUserAccess', Effect: 'Allow', Action: iamActions, Resource: '*' },
      { Sid: 'RevokeDeleteUserBoundary', Effect: 'Allow', Action: [BOUNDARY_PERMISSION], Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': DENY_ALL_BOUNDARY } } },
      // `revoke secret`: which account a leaked access key id belongs to.
      { Sid: 'RevokeSecret', Effect: 'Allow', Action: ['sts:GetAccessKeyInfo'], Resource: '*' },
      // revoke drill: the canary and its MFA device live under /revoke-drill/; leave this out in production.
      { Sid: 'RevokeDrillCanary', Effect: 'Allow', Action: DRILL_CANARY_PERMISSIONS, Resource: ['arn:aws:iam::*:user/revoke-drill/*', 'arn:aws:iam::*:mfa/revoke-drill/*'] },
      { Sid: 'RevokeDrillLeftovers', Effect: 'Allow', Action: ['iam:ListVirtualMFADevices'], Resource: '*' },
    ],
  };
}
