import { join } from 'node:path';
import { IAM } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { FULL_USER } from '../../src/sandbox/iam/seed.js';
import { iamWorld, runbookFile, type IamWorld } from '../support/iam.js';
import { ROOT } from '../support/spawn.js';
import { yaml } from '../support/runbooks.js';

const stepRunbook = (step: string, providerExtra = '') => runbookFile(yaml`
  version: 1
  name: aws-test
  providers:
    aws:
      type: aws-iam${providerExtra}
  protect:
    aws: [break-glass-admin]
  steps:
${step}
`);

const containAll = stepRunbook(`    - id: contain
      provider: aws
      user: "{{user}}"
      mode: disable
      revoke: [all]`);
const deleteAll = stepRunbook(`    - id: remove
      provider: aws
      user: "{{user}}"
      mode: delete
      revoke: [all]`);
const demo = join(ROOT, 'test', 'fixtures', 'aws-offboarding.yaml');

let world: IamWorld;
afterEach(async () => world?.sandbox.close());

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const iamAs = (credentials: Credentials) => new IAM({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const stsAs = (credentials: Credentials) => new STSClient({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const keysOf = (user: string): Credentials[] => world.sandbox.state.users.get(user)!.accessKeys.map((k) => ({ accessKeyId: k.id, secretAccessKey: k.secret }));
/** What AWS answers a request made with these credentials: 'ok' or the error code. */
const answer = (credentials: Credentials) => iamAs(credentials).listUsers({}).then(() => 'ok', (error: { name: string }) => error.name);
/** A console-less session of `user` (GetSessionToken with MFA, so it may call IAM), issued now. */
async function mfaSession(user: string, key: Credentials): Promise<Credentials> {
  const serial = world.sandbox.state.users.get(user)!.mfaSerials[0]!;
  const c = (await stsAs(key).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '123456' }))).Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

describe('aws-iam provider against the IAM sandbox', () => {
  it('disable mode contains every kind reversibly and deletes nothing else', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 2, loginProfile: true, virtualMfa: true, sshKeys: 1, signingCertificates: 1, serviceCredentials: ['codecommit.amazonaws.com'], groups: ['devs'], managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], inlinePolicies: ['extra'], permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    const [key] = keysOf('jdoe');
    const session = await mfaSession('jdoe', key!);
    expect(await answer(session)).toBe('ok');
    const { code, stdout } = await world.revoke(['user', 'jdoe', '-r', containAll, '--yes', '--json']);
    expect(code).toBe(0);
    // The effect, as AWS would enforce it: the session issued before the run is denied, the keys are dead.
    expect(await answer(session)).toBe('AccessDenied');
    expect(await answer(key!)).toBe('InvalidClientTokenId');
    const user = world.sandbox.state.users.get('jdoe')!;
    expect(user.accessKeys.map((k) => k.status)).toEqual(['Inactive', 'Inactive']);
    expect(user.loginProfile).toBeUndefined();
    expect([...user.sshKeys, ...user.certificates, ...user.serviceCredentials].map((c) => c.status)).toEqual(['Inactive', 'Inactive', 'Inactive']);
    expect([...user.inlinePolicies.keys()].sort()).toEqual(['AWSRevokeOlderSessions', 'RevokeDenyAll', 'extra']);
    const sessionsPolicy = JSON.parse(user.inlinePolicies.get('AWSRevokeOlderSessions')!);
    expect(sessionsPolicy.Statement[0]).toMatchObject({ Effect: 'Deny', Action: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } } });
    expect(JSON.parse(user.inlinePolicies.get('RevokeDenyAll')!).Statement[0]).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' });
    // Left in place: reversible containment keeps memberships, MFA and the permissions boundary.
    expect(user.groups).toEqual(['devs']);
    expect(user.managedPolicies).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(user.mfaSerials).toHaveLength(1);
    expect(user.boundary).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
    const result = JSON.parse(stdout);
    expect(result.totals).toMatchObject({ findings: 8, revoked: 8, failed: 0 });
    expect(result.actors).toEqual([{ provider: 'aws', providerType: 'aws-iam', actor: 'arn:aws:iam::123456789012:user/revoke-operator' }]);
  });

  it('delete mode removes every kind, then the user', async () => {
    world = await iamWorld();
    await world.seed('jdoe');
    const { code, stdout } = await world.revoke(['user', 'jdoe', '-r', deleteAll, '--yes', '--json']);
    expect(code).toBe(0);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
    expect(world.sandbox.state.virtualMfa.size).toBe(0);
    const kinds = JSON.parse(stdout).steps[0].findings.map((f: { kind: string }) => f.kind);
    expect(new Set(kinds)).toEqual(new Set(['sessions', 'access-keys', 'login-profile', 'mfa-devices', 'ssh-keys', 'signing-certificates', 'service-credentials', 'inline-policies', 'managed-policies', 'groups', 'user']));
  });

  it('delete mode: once a probing session is denied, it is never let in again, not while revoke removes its own policies before DeleteUser', async () => {
    world = await iamWorld();
    await world.seed('jdoe', FULL_USER);
    const session = await mfaSession('jdoe', keysOf('jdoe')[0]!);
    const probe = iamAs(session);
    // Four probes keep a GetUser of the session in flight from before the run until after it; with
    // 5 ms per response, the gap between two of revoke's round trips always has probes in it.
    world.sandbox.faults.latencyMs = 5;
    let probing = true;
    const probes = Array.from({ length: 4 }, async () => {
      while (probing) await probe.getUser({ UserName: 'jdoe' }).catch(() => undefined);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { code, stderr } = await world.revoke(['user', 'jdoe', '-r', deleteAll, '--yes']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    probing = false;
    await Promise.all(probes);
    expect(code, stderr).toBe(0);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
    // The sandbox's log is in the order it decided (it authorizes as a request arrives).
    const answers = world.sandbox.requests.filter((r) => r.accessKeyId === session.accessKeyId).map((r) => (r.status === 200 ? 'ok' : r.code));
    const firstDenial = answers.findIndex((a) => a !== 'ok');
    expect(firstDenial).toBeGreaterThan(0);
    const afterDenial = answers.slice(firstDenial);
    expect(afterDenial.filter((a) => a === 'ok'), afterDenial.join(' ')).toEqual([]);
    expect(afterDenial.at(-1)).toBe('InvalidClientTokenId');
  });

  it('a dry run sends no mutating request and shows what a real run then does', async () => {
    world = await iamWorld();
    await world.seed('jdoe');
    const dry = await world.revoke(['user', 'jdoe', '-r', demo, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.requests.length).toBeGreaterThan(10);
    expect(dry.requests.filter((r) => r.mutating)).toEqual([]);
    expect(new Set(dry.requests.map((r) => /^(Get|List)/.exec(r.action)?.[1] ?? r.action))).toEqual(new Set(['Get', 'List']));
    const planned = JSON.parse(dry.stdout).steps.flatMap((s: { id: string; findings: Array<{ id: string }> }) => s.findings.map((f) => `${s.id}/${f.id}`));
    const real = await world.revoke(['user', 'jdoe', '-r', demo, '--yes', '--json']);
    const done = JSON.parse(real.stdout).steps.flatMap((s: { id: string; findings: Array<{ id: string }> }) => s.findings.map((f) => `${s.id}/${f.id}`));
    expect(done).toEqual(planned);
  });

  it('a second real run finds nothing and exits 0, in either mode', async () => {
    world = await iamWorld();
    await world.seed('jdoe');
    await world.seed('rroe');
    expect((await world.revoke(['user', 'jdoe', '-r', demo, '--yes'])).code).toBe(0);
    const again = await world.revoke(['user', 'jdoe', '-r', demo, '--yes', '--json']);
    expect(again.code).toBe(0);
    // Containment reads before it puts (prior state for restore): on the deleted user it finds nothing and sends nothing.
    const totals = JSON.parse(again.stdout).totals;
    expect([totals.revoked, totals.alreadyGone, totals.findings]).toEqual([0, 0, 0]);
    expect(again.requests.filter((r) => r.mutating).map((r) => r.action)).toEqual([]);
    expect((await world.revoke(['user', 'jdoe', '-r', demo, '--dry-run', '--detailed-exitcode'])).code).toBe(0);

    expect((await world.revoke(['user', 'rroe', '-r', containAll, '--yes'])).code).toBe(0);
    const contained = await world.revoke(['user', 'rroe', '-r', containAll, '--dry-run', '--detailed-exitcode']);
    expect(contained.code).toBe(0);
  });

  it('follows Marker pagination with pageSize 1', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { groups: ['a', 'b', 'c'], accessKeys: 2, inlinePolicies: ['p1', 'p2'] });
    const paged = stepRunbook(`    - id: remove
      provider: aws
      user: "{{user}}"
      mode: delete
      revoke: [groups, access-keys, inline-policies]`, '\n      pageSize: 1');
    const { code, stdout, requests } = await world.revoke(['user', 'jdoe', '-r', paged, '--dry-run', '--json']);
    expect(code).toBe(0);
    const ids = JSON.parse(stdout).steps[0].findings.map((f: { id: string }) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['a', 'b', 'c', 'p1', 'p2']));
    expect(ids).toHaveLength(7);
    const groupPages = requests.filter((r) => r.action === 'ListGroupsForUser');
    expect(groupPages.map((r) => [r.params.MaxItems, r.params.Marker !== undefined])).toEqual([
      ['1', false],
      ['1', true],
      ['1', true],
    ]);
  });

  it('DeleteConflict is a failure that lists what still blocks the delete', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 1, groups: ['devs'] });
    const userOnly = stepRunbook(`    - id: remove
      provider: aws
      user: "{{user}}"
      mode: delete
      revoke: [user]`);
    const { code, stdout } = await world.revoke(['user', 'jdoe', '-r', userOnly, '--yes', '--json']);
    expect(code).toBe(1);
    const failed = JSON.parse(stdout).steps[0].findings.find((f: { outcome: string }) => f.outcome === 'failed');
    expect(failed.error).toMatch(/^cannot delete IAM user jdoe: it still has access key AKIA\w+ created \S+ \(active\), member of group devs \(its only member\); if the step does not list their kinds, add them \(or use revoke: \[all\]\); if it does, they appeared after discovery: run again to revoke them$/);
    expect(world.sandbox.state.users.has('jdoe')).toBe(true);
  });

  it('completes with 30% of requests throttled', async () => {
    world = await iamWorld({ seed: 7 });
    await world.seed('jdoe');
    world.sandbox.faults.throttleRate = 0.3;
    const { code, requests, stdout } = await world.revoke(['user', 'jdoe', '-r', demo, '--yes', '--json']);
    expect(code).toBe(0);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
    // Retries are recorded per finding; discovery retries are not findings, so count only revokes.
    const revokeThrottles = requests.filter((r) => r.code === 'Throttling' && r.mutating).length;
    expect(JSON.parse(stdout).totals.retries).toBe(revokeThrottles);
    const throttled = requests.filter((r) => r.code === 'Throttling').length;
    expect(throttled / requests.length).toBeGreaterThan(0.15);
  }, 60_000);

  it('retries 500s', async () => {
    world = await iamWorld({ seed: 3 });
    await world.seed('jdoe', { accessKeys: 2 });
    world.sandbox.faults.failureRate = 0.2;
    const { code, requests } = await world.revoke(['user', 'jdoe', '-r', deleteAll, '--yes']);
    expect(code).toBe(0);
    expect(requests.some((r) => r.status === 500)).toBe(true);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
  });

  it('retries ConcurrentModification on changes', async () => {
    world = await iamWorld({ seed: 5 });
    await world.seed('jdoe', { accessKeys: 2, groups: ['a', 'b'] });
    world.sandbox.faults.conflictRate = 0.3;
    const { code, requests } = await world.revoke(['user', 'jdoe', '-r', deleteAll, '--yes']);
    expect(code).toBe(0);
    expect(requests.some((r) => r.code === 'ConcurrentModification')).toBe(true);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
  }, 60_000);

  it('responses lost after the change and short list pages: the run still ends complete and honest', async () => {
    world = await iamWorld({ seed: 9 });
    await world.seed('jdoe', { ...FULL_USER, groups: ['a', 'b', 'c', 'd', 'e'], inlinePolicies: ['p1', 'p2', 'p3', 'p4'] });
    const paged = stepRunbook(`    - id: remove
      provider: aws
      user: "{{user}}"
      mode: delete
      revoke: [all]`, '\n      pageSize: 3');
    const planned = JSON.parse((await world.revoke(['user', 'jdoe', '-r', paged, '--dry-run', '--json'])).stdout).steps[0].findings.map((f: { id: string }) => f.id);
    Object.assign(world.sandbox.faults, { lostResponseRate: 0.3, shortPageRate: 0.4 });
    const { code, stdout, stderr, requests } = await world.revoke(['user', 'jdoe', '-r', paged, '--yes', '--json']);
    expect(code, stderr).toBe(0);
    expect(world.sandbox.state.users.has('jdoe')).toBe(false);
    const lost = requests.filter((r) => r.lostResponse);
    expect(lost.length).toBeGreaterThan(2);
    const findings = JSON.parse(stdout).steps[0].findings as Array<{ id: string; outcome: string }>;
    expect(findings.filter((f) => f.outcome !== 'revoked' && f.outcome !== 'already-gone')).toEqual([]);
    // Short pages lost nothing and doubled nothing: the same findings as the fault-free dry run.
    expect(findings.map((f) => f.id).sort()).toEqual([...planned].sort());
    expect(requests.some((r) => r.code === 'NoSuchEntity' && r.mutating)).toBe(true);
  }, 60_000);

  it('refuses a protected user before sending any request', async () => {
    world = await iamWorld();
    await world.seed('break-glass-admin', { accessKeys: 1 });
    const { code, stderr, requests } = await world.revoke(['user', 'Break-Glass-Admin', '-r', deleteAll, '--yes']);
    expect(code).toBe(2);
    expect(stderr).toContain('which is protected on aws; nothing was changed');
    expect(requests).toEqual([]);
  });

  it('refuses to revoke the IAM user it runs as, before any mutation', async () => {
    world = await iamWorld();
    const { code, stderr, requests } = await world.revoke(['user', 'revoke-operator', '-r', deleteAll, '--yes']);
    expect(code).toBe(2);
    expect(stderr).toContain('the identity revoke itself is running as on aws');
    // Connect's identity check, and at most its reads of the run's people beside it (reads only).
    expect(requests.map((r) => r.action)).toContain('GetCallerIdentity');
    expect(requests.filter((r) => r.mutating || !['GetCallerIdentity', 'GetUser', 'ListUserPolicies'].includes(r.action))).toEqual([]);
    expect(world.sandbox.state.users.get('revoke-operator')!.accessKeys[0]!.status).toBe('Active');
  });

  it('revokes older sessions of the roles named on the step, warning that it affects everyone', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 1 });
    world.sandbox.state.createRole('deploy', JSON.stringify({ Statement: [] }));
    const withRoles = stepRunbook(`    - id: contain
      provider: aws
      user: "{{user}}"
      revoke: [sessions]
      roles: [deploy]`);
    const dry = await world.revoke(['user', 'jdoe', '-r', withRoles, '--dry-run']);
    expect(dry.stdout).toContain('sessions of role deploy issued before now');
    expect(dry.stdout).toContain("revoking sessions of role deploy ends the current sessions of everyone using that role, not only jdoe's");
    const assume = async (): Promise<Credentials> => {
      const c = (await stsAs(keysOf('jdoe')[0]!).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/deploy', RoleSessionName: 'ci' }))).Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };
    const before = await assume();
    expect(await answer(before)).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await world.revoke(['user', 'jdoe', '-r', withRoles, '--yes'])).code).toBe(0);
    expect(world.sandbox.state.roles.get('deploy')!.inlinePolicies.has('AWSRevokeOlderSessions')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Sessions of the role issued before the run are denied; a new one (valid credentials) works.
    expect(await answer(before)).toBe('AccessDenied');
    expect(await answer(await assume())).toBe('ok');
  });

  it('a stale AWSRevokeOlderSessions cutoff is not "done": a new cutoff is planned and set; a fresh one is left alone', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 1, virtualMfa: true });
    const old = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00.000Z' } } }] });
    world.sandbox.state.users.get('jdoe')!.inlinePolicies.set('AWSRevokeOlderSessions', old);
    // The stale cutoff really lets a current session through...
    const session = await mfaSession('jdoe', keysOf('jdoe')[0]!);
    expect(await answer(session)).toBe('ok');
    await new Promise((r) => setTimeout(r, 5));
    const sessionsOnly = stepRunbook(`    - id: contain
      provider: aws
      user: "{{user}}"
      revoke: [sessions]`);
    const dry = await world.revoke(['user', 'jdoe', '-r', sessionsOnly, '--dry-run', '--detailed-exitcode']);
    expect(dry.code, dry.stderr).toBe(3);
    expect(dry.stdout).toContain('sessions of jdoe issued before now (its AWSRevokeOlderSessions cutoff of 2020-01-01T00:00:00.000Z lets every later session through; a new cutoff replaces it)');
    expect(world.sandbox.state.users.get('jdoe')!.inlinePolicies.get('AWSRevokeOlderSessions')).toBe(old);
    const startedAt = Date.now();
    expect((await world.revoke(['user', 'jdoe', '-r', sessionsOnly, '--yes'])).code).toBe(0);
    const cutoff = JSON.parse(world.sandbox.state.users.get('jdoe')!.inlinePolicies.get('AWSRevokeOlderSessions')!).Statement[0].Condition.DateLessThan['aws:TokenIssueTime'];
    expect(new Date(cutoff).getTime()).toBeGreaterThanOrEqual(startedAt - 1000);
    // ...and the renewed one ends it.
    expect(await answer(session)).toBe('AccessDenied');
    const again = await world.revoke(['user', 'jdoe', '-r', sessionsOnly, '--dry-run', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    // With no skew allowed, even a minutes-old cutoff is renewed.
    const strict = stepRunbook(`    - id: contain
      provider: aws
      user: "{{user}}"
      revoke: [sessions]`, '\n      sessionCutoffSkewSeconds: 0');
    await new Promise((r) => setTimeout(r, 20));
    expect((await world.revoke(['user', 'jdoe', '-r', strict, '--dry-run', '--detailed-exitcode'])).code).toBe(3);
  });

  it('assumes a role when assumeRoleArn is set and records the assumed identity', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 1 });
    world.sandbox.state.createRole('offboarding', JSON.stringify({ Statement: [{ Condition: { StringEquals: { 'sts:ExternalId': 'acme-42' } } }] }));
    const assumed = stepRunbook(`    - id: contain
      provider: aws
      user: "{{user}}"
      revoke: [access-keys]`, '\n      assumeRoleArn: arn:aws:iam::123456789012:role/offboarding\n      externalId: acme-42\n      sessionName: revoke-test');
    const { code, stdout, requests } = await world.revoke(['user', 'jdoe', '-r', assumed, '--yes', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).actors[0].actor).toBe('arn:aws:sts::123456789012:assumed-role/offboarding/revoke-test');
    const update = requests.find((r) => r.action === 'UpdateAccessKey')!;
    expect(update.accessKeyId).toMatch(/^ASIA/);
    const wrongId = stepRunbook(`    - id: contain
      provider: aws
      user: "{{user}}"
      revoke: [access-keys]`, '\n      assumeRoleArn: arn:aws:iam::123456789012:role/offboarding\n      externalId: wrong');
    const denied = await world.revoke(['user', 'jdoe', '-r', wrongId, '--yes']);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('provider aws could not assume its role: AccessDenied');
  });

  it('rejects IAM-invalid user names before connecting', async () => {
    world = await iamWorld();
    const { code, stderr, requests } = await world.revoke(['user', 'j/doe', '-r', deleteAll, '--yes']);
    expect(code).toBe(2);
    expect(stderr).toContain('"j/doe" is not a valid aws-iam user name');
    expect(requests).toEqual([]);
  });

  it('bad credentials are a clear error with exit 2 and no secret in it', async () => {
    world = await iamWorld();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const { code, stderr, stdout } = await world.revoke(['user', 'jdoe', '-r', deleteAll, '--yes'], { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: secret });
    expect(code).toBe(2);
    expect(stderr).toContain('error: AWS rejected the credentials of provider aws: InvalidClientTokenId');
    expect(stderr + stdout).not.toContain(secret);
  });
});
