import { describe, expect, it } from 'vitest';
import { documentedActions, leastPrivilegeReport } from '../support/least-privilege.js';

const line = (service: string, action: string, userAgent: string, context?: Record<string, string>) => JSON.stringify({ service, action, userAgent, ...(context ? { context } : {}) });
const REVOKE_UA = 'aws-sdk-js/3.1 ua/2.1 os/linux revoke/0.1.0';

/** The suite-wide check (test/support/global-setup.ts) is only as good as this function. */
describe('least-privilege check of the whole suite', () => {
  it('flags an action revoke sent that the documented policy does not grant', () => {
    const log = [line('iam', 'ListUsers', REVOKE_UA), line('iam', 'CreateLoginProfile', REVOKE_UA)].join('\n');
    expect(leastPrivilegeReport(log)).toEqual({ sent: ['iam:CreateLoginProfile', 'iam:ListUsers'], missing: ['iam:CreateLoginProfile'] });
  });

  it("ignores what the tests' own clients sent (seeding, attackers): only revoke's user agent counts", () => {
    const log = [line('iam', 'CreateUser', 'aws-sdk-js/3.1 ua/2.1 os/linux'), line('cloudtrail', 'LookupEvents', REVOKE_UA)].join('\n');
    expect(leastPrivilegeReport(log)).toEqual({ sent: ['cloudtrail:LookupEvents'], missing: [] });
  });

  it('a conditioned grant counts only when the request meets it: the AWSDenyAll boundary, no other', () => {
    const boundary = (arn: string) => line('iam', 'PutUserPermissionsBoundary', REVOKE_UA, { 'iam:PermissionsBoundary': arn });
    expect(leastPrivilegeReport(boundary('arn:aws:iam::aws:policy/AWSDenyAll')).missing).toEqual([]);
    expect(leastPrivilegeReport(boundary('arn:aws:iam::aws:policy/AdministratorAccess')).missing).toEqual(['iam:PutUserPermissionsBoundary (iam:PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess)']);
    expect(leastPrivilegeReport(line('iam', 'PutUserPermissionsBoundary', REVOKE_UA)).missing).toEqual(['iam:PutUserPermissionsBoundary']);
  });

  it('the documented policy grants what watch needs: CloudTrail LookupEvents and GetAccessKeyLastUsed', () => {
    const documented = documentedActions();
    expect(documented.has('cloudtrail:LookupEvents')).toBe(true);
    expect(documented.has('iam:GetAccessKeyLastUsed')).toBe(true);
  });
});
