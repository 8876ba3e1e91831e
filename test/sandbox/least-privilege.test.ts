import { describe, expect, it } from 'vitest';
import { documentedActions, leastPrivilegeReport } from '../support/least-privilege.js';

const line = (service: string, action: string, userAgent: string) => JSON.stringify({ service, action, userAgent });
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

  it('the documented policy grants what watch needs: CloudTrail LookupEvents and GetAccessKeyLastUsed', () => {
    const documented = documentedActions();
    expect(documented.has('cloudtrail:LookupEvents')).toBe(true);
    expect(documented.has('iam:GetAccessKeyLastUsed')).toBe(true);
  });
});
