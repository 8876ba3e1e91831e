import { IAM } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxIamClient, seedUser, type DepartingUserSpec } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';

// One sandbox for the file; every test works on users of its own.
let sandbox: IamSandbox;
let iam: IAM;
beforeAll(async () => {
  sandbox = await startIamSandbox({ seed: 3 });
  iam = sandboxIamClient(sandbox);
});
afterAll(async () => sandbox.close());

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const clientsFor = (credentials: Credentials) => ({
  iam: new IAM({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }),
  sts: new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }),
});

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

async function userWithKey(name: string, spec: DepartingUserSpec = {}) {
  await seedUser(iam, name, spec);
  const key = (await iam.createAccessKey({ UserName: name })).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

async function mfaSession(name: string, credentials: Credentials) {
  const serial = (await iam.listMFADevices({ UserName: name })).MFADevices![0]!.SerialNumber!;
  const issued = await clientsFor(credentials).sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '123456' }));
  const c = issued.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

const DENY_LIST_USERS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }] });
const sessionsBefore = (cutoff: Date) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff.toISOString() } } }] });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('IAM sandbox policy evaluation: an explicit Deny wins', () => {
  it('an inline Deny refuses the action (AccessDenied 403) and nothing else; GetCallerIdentity always works', async () => {
    const credentials = await userWithKey('deny-inline');
    const as = clientsFor(credentials);
    await as.iam.listUsers({});
    await iam.putUserPolicy({ UserName: 'deny-inline', PolicyName: 'no-list', PolicyDocument: DENY_LIST_USERS });
    const denied = await errorOf(as.iam.listUsers({}));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toContain('is not authorized to perform: iam:ListUsers on resource: * with an explicit deny');
    await as.iam.getUser({ UserName: 'deny-inline' });
    expect((await as.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::123456789012:user/deny-inline');
  });

  it('a Deny in an attached customer managed policy, or AWSDenyAll, refuses too', async () => {
    const credentials = await userWithKey('deny-managed');
    const as = clientsFor(credentials);
    const policy = await iam.createPolicy({ PolicyName: 'NoListUsers', PolicyDocument: DENY_LIST_USERS });
    await iam.attachUserPolicy({ UserName: 'deny-managed', PolicyArn: policy.Policy!.Arn! });
    expect((await errorOf(as.iam.listUsers({}))).name).toBe('AccessDenied');
    await as.iam.getUser({ UserName: 'deny-managed' });
    await iam.attachUserPolicy({ UserName: 'deny-managed', PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' });
    expect((await errorOf(as.iam.getUser({ UserName: 'deny-managed' }))).name).toBe('AccessDenied');
  });

  it("the AWSDenyAll permissions boundary refuses the user's key and its MFA session; DeleteUser does not need it removed", async () => {
    const credentials = await userWithKey('deny-boundary', { virtualMfa: true });
    const key = clientsFor(credentials);
    const session = clientsFor(await mfaSession('deny-boundary', credentials));
    await key.iam.getUser({ UserName: 'deny-boundary' });
    await session.iam.getUser({ UserName: 'deny-boundary' });
    await iam.putUserPermissionsBoundary({ UserName: 'deny-boundary', PermissionsBoundary: 'arn:aws:iam::aws:policy/AWSDenyAll' });
    for (const as of [key, session]) {
      const denied = await errorOf(as.iam.getUser({ UserName: 'deny-boundary' }));
      expect(denied.name).toBe('AccessDenied');
      expect(denied.message).toContain('with an explicit deny in a permissions boundary');
    }
    // The key cannot mint a new session to get around it either.
    expect((await errorOf(key.sts.send(new GetSessionTokenCommand({})))).name).toBe('AccessDenied');
    // A boundary whose document the sandbox does not know denies nothing (implicit deny is not modelled).
    await iam.putUserPermissionsBoundary({ UserName: 'deny-boundary', PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    await key.iam.getUser({ UserName: 'deny-boundary' });
    await iam.putUserPermissionsBoundary({ UserName: 'deny-boundary', PermissionsBoundary: 'arn:aws:iam::aws:policy/AWSDenyAll' });
    const user = sandbox.state.users.get('deny-boundary')!;
    Object.assign(user, { accessKeys: [], mfaSerials: [] });
    await iam.deleteUser({ UserName: 'deny-boundary' });
    expect(sandbox.state.users.has('deny-boundary')).toBe(false);
  });

  it('a Deny on another resource does not refuse this one', async () => {
    const credentials = await userWithKey('deny-elsewhere');
    await iam.putUserPolicy({ UserName: 'deny-elsewhere', PolicyName: 'x', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'iam:GetUser', Resource: 'arn:aws:iam::123456789012:user/someone-else' }] }) });
    await clientsFor(credentials).iam.getUser({ UserName: 'deny-elsewhere' });
    expect((await errorOf(clientsFor(credentials).iam.getUser({ UserName: 'someone-else' }))).name).toBe('AccessDenied');
  });
});

describe('IAM sandbox temporary credentials and aws:TokenIssueTime', () => {
  it('GetSessionToken without MFA may not call IAM (as in AWS); with MFA it may', async () => {
    const credentials = await userWithKey('sessions-mfa', { virtualMfa: true });
    const plain = (await clientsFor(credentials).sts.send(new GetSessionTokenCommand({}))).Credentials!;
    const noMfa = clientsFor({ accessKeyId: plain.AccessKeyId!, secretAccessKey: plain.SecretAccessKey!, sessionToken: plain.SessionToken! });
    expect(plain.AccessKeyId).toMatch(/^ASIA/);
    expect((await errorOf(noMfa.iam.listUsers({}))).name).toBe('InvalidClientTokenId');
    expect((await noMfa.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::123456789012:user/sessions-mfa');
    const withMfa = clientsFor(await mfaSession('sessions-mfa', credentials));
    await withMfa.iam.listUsers({});
    // Session credentials cannot mint more sessions.
    expect((await errorOf(withMfa.sts.send(new GetSessionTokenCommand({})))).name).toBe('AccessDenied');
  });

  it('a DateLessThan aws:TokenIssueTime Deny kills sessions issued before the cutoff, not later ones, not access keys', async () => {
    const credentials = await userWithKey('sessions-cutoff', { virtualMfa: true });
    const old = clientsFor(await mfaSession('sessions-cutoff', credentials));
    await old.iam.listUsers({});
    await tick();
    await iam.putUserPolicy({ UserName: 'sessions-cutoff', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: sessionsBefore(new Date()) });
    await tick();
    const denied = await errorOf(old.iam.listUsers({}));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain('with an explicit deny');
    const fresh = clientsFor(await mfaSession('sessions-cutoff', credentials));
    await fresh.iam.listUsers({});
    // A long-term key has no token issue time: the condition does not apply to it.
    await clientsFor(credentials).iam.listUsers({});
  });

  it('AssumeRole sessions carry their issue time; a Deny on the role ends older ones', async () => {
    const credentials = await userWithKey('role-user');
    await iam.createRole({ RoleName: 'deploy-role', AssumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } }] }) });
    const assume = async () => {
      const c = (await clientsFor(credentials).sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/deploy-role', RoleSessionName: 'ci' }))).Credentials!;
      return clientsFor({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    };
    const old = await assume();
    await old.iam.listUsers({});
    await tick();
    await iam.putRolePolicy({ RoleName: 'deploy-role', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: sessionsBefore(new Date()) });
    await tick();
    expect((await errorOf(old.iam.listUsers({}))).name).toBe('AccessDenied');
    await (await assume()).iam.listUsers({});
  });

  it('a wrong session token, or an expired session, is refused', async () => {
    const credentials = await userWithKey('session-token');
    const c = (await clientsFor(credentials).sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
    const forged = clientsFor({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: 'forged' });
    expect((await errorOf(forged.sts.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    sandbox.state.sessions.get(c.AccessKeyId!)!.expires = new Date(Date.now() - 1000);
    const expired = clientsFor({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    expect((await errorOf(expired.sts.send(new GetCallerIdentityCommand({})))).name).toBe('ExpiredToken');
  });

  it('an inactive or deleted access key gets InvalidClientTokenId', async () => {
    const credentials = await userWithKey('key-states');
    const as = clientsFor(credentials);
    await as.sts.send(new GetCallerIdentityCommand({}));
    await iam.updateAccessKey({ UserName: 'key-states', AccessKeyId: credentials.accessKeyId, Status: 'Inactive' });
    expect((await errorOf(as.sts.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    await iam.updateAccessKey({ UserName: 'key-states', AccessKeyId: credentials.accessKeyId, Status: 'Active' });
    await as.sts.send(new GetCallerIdentityCommand({}));
    await iam.deleteAccessKey({ UserName: 'key-states', AccessKeyId: credentials.accessKeyId });
    expect((await errorOf(as.iam.listUsers({}))).name).toBe('InvalidClientTokenId');
  });
});

describe('IAM sandbox names, pages, quotas and lost responses', () => {
  it('names are case-insensitive for uniqueness and lookup, and keep their casing', async () => {
    await iam.createUser({ UserName: 'CaseUser' });
    expect((await errorOf(iam.createUser({ UserName: 'caseuser' }))).name).toBe('EntityAlreadyExistsException');
    expect((await iam.getUser({ UserName: 'CASEUSER' })).User!.UserName).toBe('CaseUser');
    await iam.createGroup({ GroupName: 'CaseGroup' });
    expect((await errorOf(iam.createGroup({ GroupName: 'casegroup' }))).name).toBe('EntityAlreadyExistsException');
    await iam.addUserToGroup({ GroupName: 'CASEGROUP', UserName: 'caseuser' });
    expect((await iam.listGroupsForUser({ UserName: 'caseUSER' })).Groups!.map((g) => g.GroupName)).toEqual(['CaseGroup']);
    await iam.removeUserFromGroup({ GroupName: 'casegroup', UserName: 'CaseUser' });
    await iam.deleteUser({ UserName: 'CASEUSER' });
    expect(sandbox.state.users.has('CaseUser')).toBe(false);
  });

  it('short pages: fewer than MaxItems with IsTruncated true, seeded; following markers still yields each item once', async () => {
    const groups = Array.from({ length: 12 }, (_, i) => `short-${String(i).padStart(2, '0')}`);
    await seedUser(iam, 'short-pages', { groups });
    sandbox.faults.shortPageRate = 0.5;
    try {
      const seen: string[] = [];
      const sizes: Array<[number, boolean]> = [];
      let marker: string | undefined;
      do {
        const page = await iam.listGroupsForUser({ UserName: 'short-pages', MaxItems: 3, ...(marker ? { Marker: marker } : {}) });
        seen.push(...page.Groups!.map((g) => g.GroupName!));
        sizes.push([page.Groups!.length, Boolean(page.IsTruncated)]);
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      expect(seen).toEqual(groups);
      expect(sizes, JSON.stringify(sizes)).toSatisfy((s: Array<[number, boolean]>) => s.some(([size, truncated]) => size < 3 && truncated));
    } finally {
      sandbox.faults.shortPageRate = 0;
    }
  });

  it('service-specific credentials: at most two per service per user, as AWS', async () => {
    await seedUser(iam, 'service-quota', { serviceCredentials: ['codecommit.amazonaws.com', 'codecommit.amazonaws.com', 'cassandra.amazonaws.com'] });
    const once = new IAM({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: sandbox.operator, maxAttempts: 1 });
    const third = await errorOf(once.createServiceSpecificCredential({ UserName: 'service-quota', ServiceName: 'codecommit.amazonaws.com' }));
    expect(third.name).toBe('LimitExceededException');
    expect(third.message).toBe('Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2');
    await once.createServiceSpecificCredential({ UserName: 'service-quota', ServiceName: 'cassandra.amazonaws.com' });
    expect((await iam.listServiceSpecificCredentials({ UserName: 'service-quota' })).ServiceSpecificCredentials).toHaveLength(4);
  });

  it('a lost response after the change was applied: the SDK retries and meets NoSuchEntity', async () => {
    await seedUser(iam, 'lost-response', { accessKeys: 1 });
    const keyId = sandbox.state.users.get('lost-response')!.accessKeys[0]!.id;
    sandbox.faults.lostResponseRate = 1;
    try {
      const error = await errorOf(iam.deleteAccessKey({ UserName: 'lost-response', AccessKeyId: keyId }));
      expect(error.name).toBe('NoSuchEntityException');
    } finally {
      sandbox.faults.lostResponseRate = 0;
    }
    const attempts = sandbox.requests.filter((r) => r.action === 'DeleteAccessKey' && r.params.AccessKeyId === keyId);
    expect(attempts[0]).toMatchObject({ lostResponse: true });
    expect(attempts.at(-1)).toMatchObject({ status: 404, code: 'NoSuchEntity' });
    expect(sandbox.state.users.get('lost-response')!.accessKeys).toEqual([]);
  });
});

/** Each of the nine things AWS says block DeleteUser, alone on a user. */
const BLOCKERS: Array<[string, DepartingUserSpec, string]> = [
  ['a login profile', { loginProfile: true }, 'login profile'],
  ['an access key', { accessKeys: 1 }, 'access keys'],
  ['a signing certificate', { signingCertificates: 1 }, 'signing certificates'],
  ['an SSH public key', { sshKeys: 1 }, 'SSH public keys'],
  ['a service-specific credential', { serviceCredentials: ['codecommit.amazonaws.com'] }, 'service-specific credentials'],
  ['an MFA device', { virtualMfa: true }, 'MFA devices'],
  ['an inline policy', { inlinePolicies: ['extra'] }, 'inline policies'],
  ['an attached managed policy', { managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, 'attached policies'],
  ['a group membership', { groups: ['conflict-group'] }, 'group memberships'],
];

describe('DeleteUser conflicts', () => {
  it.each(BLOCKERS)('DeleteUser is refused with DeleteConflict (409) while the user has %s, and succeeds once it is gone', async (what, spec, words) => {
    const name = `blocked-${words.replace(/\W+/g, '-')}`;
    await seedUser(iam, name, spec);
    const conflict = await errorOf(iam.deleteUser({ UserName: name }));
    expect(conflict.name, what).toBe('DeleteConflictException');
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    expect(conflict.message).toBe(`Cannot delete entity, must remove ${words} first.`);
    const user = sandbox.state.users.get(name)!;
    delete user.loginProfile;
    Object.assign(user, { accessKeys: [], certificates: [], sshKeys: [], serviceCredentials: [], mfaSerials: [], managedPolicies: [], groups: [] });
    user.inlinePolicies.clear();
    await iam.deleteUser({ UserName: name });
  });
});

describe('IAM sandbox console sign-in (what a console password gives)', () => {
  const signIn = async (userName: string, password: string, mfaCode?: string) => {
    const response = await fetch(`${sandbox.endpoint}/console-signin`, { method: 'POST', body: new URLSearchParams({ UserName: userName, Password: password, ...(mfaCode ? { MfaCode: mfaCode } : {}) }) });
    const body = (await response.json()) as { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; error?: string };
    return { status: response.status, body };
  };
  const consoleClient = (body: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) =>
    clientsFor({ accessKeyId: body.AccessKeyId!, secretAccessKey: body.SecretAccessKey!, sessionToken: body.SessionToken! }).iam;

  it('signs in with the login profile password (and an MFA code when the user has a device); the console session is the user', async () => {
    await seedUser(iam, 'console-user', { loginProfile: true, virtualMfa: true });
    expect((await signIn('console-user', 'wrong-password', '123456')).status).toBe(401);
    expect((await signIn('console-user', 'Sandbox-Passw0rd!')).body.error).toBe('An MFA code is required for this user.');
    const ok = await signIn('console-user', 'Sandbox-Passw0rd!', '123456');
    expect(ok.status).toBe(200);
    expect((await consoleClient(ok.body).getUser({ UserName: 'console-user' })).User!.UserName).toBe('console-user');
    expect((await iam.getUser({ UserName: 'console-user' })).User!.PasswordLastUsed).toBeInstanceOf(Date);
  });

  it('the deny-all denies every console session, old and new; deleting the login profile ends sign-in', async () => {
    await seedUser(iam, 'console-contained', { loginProfile: true });
    const before = await signIn('console-contained', 'Sandbox-Passw0rd!');
    await iam.putUserPolicy({ UserName: 'console-contained', PolicyName: 'deny-everything', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }) });
    expect((await errorOf(consoleClient(before.body).getUser({ UserName: 'console-contained' }))).name).toBe('AccessDenied');
    const after = await signIn('console-contained', 'Sandbox-Passw0rd!');
    expect(after.status).toBe(200); // the password still signs in ...
    expect((await errorOf(consoleClient(after.body).getUser({ UserName: 'console-contained' }))).name).toBe('AccessDenied'); // ... to a console that can do nothing
    await iam.deleteLoginProfile({ UserName: 'console-contained' });
    expect((await signIn('console-contained', 'Sandbox-Passw0rd!')).status).toBe(401);
  });
});
