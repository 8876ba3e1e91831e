import { IAM } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FULL_USER, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';

let sandbox: IamSandbox;
beforeEach(async () => {
  sandbox = await startIamSandbox();
});
afterEach(async () => sandbox.close());

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

describe('IAM sandbox over the real SDK', () => {
  it('seeds a user with every credential kind and lists them back', async () => {
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, 'jdoe');
    expect((await iam.listAccessKeys({ UserName: 'jdoe' })).AccessKeyMetadata).toHaveLength(2);
    expect((await iam.getLoginProfile({ UserName: 'jdoe' })).LoginProfile?.UserName).toBe('jdoe');
    expect((await iam.listMFADevices({ UserName: 'jdoe' })).MFADevices?.[0]?.SerialNumber).toBe('arn:aws:iam::123456789012:mfa/jdoe-phone');
    expect((await iam.listSSHPublicKeys({ UserName: 'jdoe' })).SSHPublicKeys).toHaveLength(1);
    expect((await iam.listSigningCertificates({ UserName: 'jdoe' })).Certificates).toHaveLength(1);
    expect((await iam.listServiceSpecificCredentials({ UserName: 'jdoe' })).ServiceSpecificCredentials?.[0]?.ServiceName).toBe('codecommit.amazonaws.com');
    expect((await iam.listGroupsForUser({ UserName: 'jdoe' })).Groups?.map((g) => g.GroupName)).toEqual(FULL_USER.groups);
    expect((await iam.listAttachedUserPolicies({ UserName: 'jdoe' })).AttachedPolicies?.map((p) => p.PolicyArn)).toEqual(FULL_USER.managedPolicies);
    expect((await iam.listUserPolicies({ UserName: 'jdoe' })).PolicyNames).toEqual(FULL_USER.inlinePolicies);
  });

  it('paginates with MaxItems and Marker', async () => {
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, 'jdoe', { groups: ['a', 'b', 'c'] });
    const first = await iam.listGroupsForUser({ UserName: 'jdoe', MaxItems: 2 });
    expect(first.Groups?.map((g) => g.GroupName)).toEqual(['a', 'b']);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.listGroupsForUser({ UserName: 'jdoe', MaxItems: 2, Marker: first.Marker! });
    expect(second.Groups?.map((g) => g.GroupName)).toEqual(['c']);
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();
  });

  it('follows AWS rules: DeleteUser conflicts while anything is attached; 2 access keys at most; enabled MFA cannot be deleted', async () => {
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, 'jdoe', { accessKeys: 2, virtualMfa: true, groups: ['devs'] });
    const conflict = await errorOf(iam.deleteUser({ UserName: 'jdoe' }));
    expect(conflict.name).toBe('DeleteConflictException');
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    expect(conflict.message).toBe('Cannot delete entity, must remove access keys, MFA devices, group memberships first.');
    // The SDK classifies IAM's LimitExceeded as throttling and would retry it: ask once.
    const once = new IAM({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: sandbox.operator, maxAttempts: 1 });
    const limit = await errorOf(once.createAccessKey({ UserName: 'jdoe' }));
    expect(limit.name).toBe('LimitExceededException');
    const serial = 'arn:aws:iam::123456789012:mfa/jdoe-phone';
    expect((await errorOf(iam.deleteVirtualMFADevice({ SerialNumber: serial }))).name).toBe('DeleteConflictException');
    await iam.deactivateMFADevice({ UserName: 'jdoe', SerialNumber: serial });
    await iam.deleteVirtualMFADevice({ SerialNumber: serial });
    const missing = await errorOf(iam.getUser({ UserName: 'nobody' }));
    expect(missing.name).toBe('NoSuchEntityException');
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('identifies the caller by access key, and rejects unknown or inactive keys', async () => {
    const sts = new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: sandbox.operator });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Arn: 'arn:aws:iam::123456789012:user/revoke-operator', Account: '123456789012' });
    const stranger = new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIANOTAREALKEY00000', secretAccessKey: 'x' } });
    expect((await errorOf(stranger.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
  });

  it('injects throttling that the SDK retries, and logs every request', async () => {
    sandbox.faults.throttleRate = 0.5;
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, 'jdoe', { groups: ['a'] });
    expect(sandbox.requests.some((r) => r.code === 'Throttling' && r.status === 400)).toBe(true);
    expect(sandbox.state.users.get('jdoe')?.groups).toEqual(['a']);
    expect(sandbox.requests.filter((r) => r.status === 200 && r.mutating).map((r) => r.action)).toEqual(['CreateUser', 'CreateGroup', 'AddUserToGroup']);
  });
});
