import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerCertificate } from '../../src/sandbox/entra/seed.js';
import { GLOBAL_ADMIN_TEMPLATE } from '../../src/sandbox/entra/state.js';
import { selfSignedCertificate } from '../../src/sandbox/entra/tls.js';
import { writeTemp } from '../support/cli.js';
import { EVERYTHING, entraRunbook, entraWorld, findingsOf, redeemRefreshToken, seedUser } from '../support/entra.js';

const JANE = 'jane@contoso.example';

// Each test runs the real binary several times (process start, SDK load, TLS): allow for a loaded CI machine.
describe('entra-id provider against the Entra sandbox (real @azure/identity + Graph client over TLS, spec-checked)', { timeout: 90_000 }, () => {
  it('disable mode: discovers and revokes every kind; the effects hold and a second run finds nothing', async () => {
    const world = await entraWorld();
    const { user, refreshToken } = seedUser(world, JANE);
    const { state } = world.sandbox;
    const run = await world.revoke(['user', JANE, '-r', entraRunbook(), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const findings = findingsOf(run.stdout);
    expect(findings.map((f) => `${f.kind}:${f.outcome}`).sort()).toEqual(
      [
        'account:revoked',
        'sessions:revoked',
        ...Array(7).fill('auth-methods:revoked'),
        'groups:revoked',
        'directory-roles:revoked',
        'app-roles:revoked',
        'consents:revoked',
        'devices:revoked',
        'devices:revoked',
      ].sort(),
    );
    const result = JSON.parse(run.stdout);
    // The password method and the groups revoke cannot change are listed as skipped, with why.
    expect(result.steps[0].skippedKinds).toEqual([
      { kind: 'auth-methods', reason: 'the password method stays: Graph cannot delete it (blocking sign-in covers it; reset it to change it)' },
      {
        kind: 'groups',
        reason: `${JANE} stays in dynamic group all-engineers (its rule computes the members: change the user's attributes or the rule); group vpn-users (synced from on-premises Active Directory: remove the membership there)`,
      },
      { kind: 'user', reason: 'the user object is deleted only in mode: delete' },
    ]);
    expect(result.actors[0].actor).toBe(`app ${world.operator.clientId} in Contoso`);
    // Prior state for restore.
    expect(findings.find((f) => f.kind === 'account')!.details).toEqual({ userId: user.id, wasEnabled: true });
    expect(findings.filter((f) => f.kind === 'devices').every((f) => f.details?.wasEnabled === true)).toBe(true);
    expect(result.warnings).toEqual([]);
    // The world changed.
    expect(state.user(JANE)!.accountEnabled).toBe(false);
    expect(state.authMethods.filter((m) => m.userId === user.id).map((m) => m.type)).toEqual(['passwordAuthenticationMethod']);
    expect([...state.groups.values()].filter((g) => g.members.has(user.id)).map((g) => g.displayName).sort()).toEqual(['all-engineers', 'vpn-users']);
    expect(state.roleAssignments.filter((a) => a.principalId === user.id)).toEqual([]);
    expect(state.appRoleAssignments.filter((a) => a.principalId === user.id)).toEqual([]);
    expect(state.permissionGrants.filter((g) => g.principalId === user.id)).toEqual([]);
    expect([...state.devices.values()].map((d) => d.accountEnabled)).toEqual([false, false]);
    // Their mail app's refresh token no longer works.
    const redeemed = await redeemRefreshToken(world.sandbox, refreshToken);
    expect(redeemed.status).toBe(400);
    expect(redeemed.body.error).toBe('invalid_grant');
    // Role names came in one $batch; devices (owned + registered) in another.
    expect(run.exchanges.filter((e) => e.batched).map((e) => e.route).sort()).toEqual(['/roleManagement/directory/roleDefinitions/{unifiedRoleDefinition-id}', '/users/{user-id}/ownedDevices', '/users/{user-id}/registeredDevices'].sort());
    const again = await world.revoke(['user', JANE, '-r', entraRunbook(), '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(findingsOf(again.stdout)).toEqual([]);
    expect(again.exchanges.filter((e) => e.mutating)).toEqual([]);
  });

  it('sessions alone: revokeSignInSessions makes the refresh token fail with AADSTS50173; then nothing to revoke', async () => {
    const world = await entraWorld();
    const { refreshToken } = seedUser(world, JANE, {});
    expect((await redeemRefreshToken(world.sandbox, refreshToken)).status).toBe(200);
    // Graph keeps signInSessionsValidFromDateTime to the second: a sign-in in the same second as
    // the revocation counts as after it (revoke then acts again, to be safe). Step past it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const run = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'sessions' }), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(findingsOf(run.stdout).map((f) => `${f.kind}:${f.outcome}`)).toEqual(['sessions:revoked']);
    expect(run.stdout).toContain(`refresh tokens and session cookies of ${JANE} (access tokens already issued stay valid up to an hour unless the app supports Continuous Access Evaluation)`);
    const refused = await redeemRefreshToken(world.sandbox, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body.error_codes).toEqual([50173]);
    // The refused attempt is in the sign-in log, but no successful sign-in since: nothing left.
    const again = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'sessions' }), '--yes', '--json']);
    expect(findingsOf(again.stdout)).toEqual([]);
  });

  it('delete mode: everything, then the user soft-deleted last (30-day restore window in the report)', async () => {
    const world = await entraWorld();
    const { user, refreshToken } = seedUser(world, JANE);
    const run = await world.revoke(['user', JANE, '-r', entraRunbook({ mode: 'delete' }), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const findings = findingsOf(run.stdout);
    expect(findings.at(-1)).toMatchObject({ kind: 'user', outcome: 'revoked' });
    const deletes = run.exchanges.filter((e) => e.mutating && !e.batched);
    expect(deletes.at(-1)).toMatchObject({ method: 'DELETE', route: '/users/{user-id}' });
    expect(deletes[0]).toMatchObject({ method: 'PATCH', route: '/users/{user-id}', requestBody: { accountEnabled: false } });
    expect(world.sandbox.state.users.has(user.id)).toBe(false);
    expect(world.sandbox.state.deletedUsers.has(user.id)).toBe(true);
    expect(run.stdout).toContain('restorable from deleted items for 30 days');
    // A deleted user's refresh token is refused.
    expect((await redeemRefreshToken(world.sandbox, refreshToken)).body.error_codes).toEqual([50034]);
    const again = await world.revoke(['user', JANE, '-r', entraRunbook({ mode: 'delete' }), '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to revoke');
  });

  it('a dry run sends no mutating request and changes nothing (with latency); a device in use is a warning', async () => {
    const world = await entraWorld({ latencyMs: 20 });
    seedUser(world, JANE, { ...EVERYTHING, devices: [{ name: 'JANE-LAPTOP', lastSignIn: new Date(Date.now() - 2 * 3600_000) }, { name: 'OLD-TABLET', lastSignIn: new Date('2025-01-01T00:00:00Z') }] });
    const before = JSON.stringify([...world.sandbox.state.users.values()]) + world.sandbox.state.authMethods.length + JSON.stringify([...world.sandbox.state.devices.values()]);
    const run = await world.revoke(['user', JANE, '-r', entraRunbook({ mode: 'delete' }), '--dry-run', '--json', '--fail-on-warning']);
    expect(run.code, run.stderr).toBe(3);
    expect(findingsOf(run.stdout)).toHaveLength(16);
    expect(JSON.parse(run.stdout).warnings).toContain(`entra-offboard: device JANE-LAPTOP of ${JANE} signed in 2 h ago: it is in use`);
    expect(JSON.parse(run.stdout).warnings.some((w: string) => w.includes('OLD-TABLET'))).toBe(false);
    expect(run.exchanges.filter((e) => e.mutating)).toEqual([]);
    expect(run.exchanges.filter((e) => e.method !== 'GET').map((e) => e.route)).toEqual(expect.arrayContaining(['token', '/$batch']));
    expect(JSON.stringify([...world.sandbox.state.users.values()]) + world.sandbox.state.authMethods.length + JSON.stringify([...world.sandbox.state.devices.values()])).toBe(before);
  });

  it('guards refuse before any change: Global Administrator, the last one, protected and other-tenant users (exit 2)', async () => {
    const world = await entraWorld();
    seedUser(world, JANE, { ...EVERYTHING, roles: [GLOBAL_ADMIN_TEMPLATE] });
    const refused = await world.revoke(['user', JANE, '-r', entraRunbook(), '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${JANE} is a Global Administrator; revoke refuses to remove that role unless the step allows it`);
    expect(refused.stderr).toContain('allowGlobalAdmin: true');
    expect(refused.exchanges.filter((e) => e.mutating)).toEqual([]);
    // The seeded admin is the tenant's other Global Administrator; with allowGlobalAdmin Jane's role goes.
    const allowed = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'directory-roles', step: '\n    allowGlobalAdmin: true' }), '--yes', '--json']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(findingsOf(allowed.stdout)).toMatchObject([{ kind: 'directory-roles', outcome: 'revoked', details: { role: 'Global Administrator' } }]);
    // Now admin@ is the last Global Administrator: refused even when allowed.
    const last = await world.revoke(['user', 'admin@contoso.example', '-r', entraRunbook({ revoke: 'directory-roles', step: '\n    allowGlobalAdmin: true' }), '--yes']);
    expect(last.code).toBe(2);
    expect(last.stderr).toContain('admin@contoso.example is the last Global Administrator of the tenant');
    expect(last.exchanges.filter((e) => e.mutating)).toEqual([]);
    const protectedUser = await world.revoke(['user', 'admin@contoso.example', '-r', entraRunbook({ protect: ['admin@contoso.example'] }), '--yes']);
    expect(protectedUser.code).toBe(2);
    expect(protectedUser.exchanges.filter((e) => e.mutating)).toEqual([]);
    const otherTenant = await world.revoke(['user', 'jane@fabrikam.example', '-r', entraRunbook(), '--yes']);
    expect(otherTenant.code).toBe(2);
    expect(otherTenant.stderr).toContain('jane@fabrikam.example is not in tenant Contoso: fabrikam.example is not one of its verified domains (contoso.example)');
    const odd = await world.revoke(['user', 'jane smith;drop@contoso.example', '-r', entraRunbook(), '--yes']);
    expect(odd.code).toBe(2);
    expect(odd.exchanges).toEqual([]);
    const unknown = await world.revoke(['user', 'nobody@contoso.example', '-r', entraRunbook(), '--yes']);
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(unknown.stdout).toContain('nothing to revoke');
  });

  it('every list follows @odata.nextLink, inside a $batch too (2 items a page)', async () => {
    const world = await entraWorld({ pageSize: 2 });
    const { user } = seedUser(world, JANE, {
      groups: ['g1', 'g2', 'g3', 'g4', 'g5'],
      appRoles: ['a1', 'a2', 'a3'],
      methods: ['phoneAuthenticationMethod', 'fido2AuthenticationMethod', 'emailAuthenticationMethod'],
      devices: [{ name: 'd1' }, { name: 'd2' }, { name: 'd3' }],
    });
    const run = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'groups, app-roles, auth-methods, devices' }), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const counts = findingsOf(run.stdout).reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.kind]: (acc[f.kind] ?? 0) + 1 }), {});
    expect(counts).toEqual({ groups: 5, 'app-roles': 3, 'auth-methods': 3, devices: 3 });
    expect(run.exchanges.some((e) => e.route === '/users/{user-id}/memberOf' && e.query.$skiptoken)).toBe(true);
    expect(run.exchanges.some((e) => !e.batched && e.route === '/users/{user-id}/ownedDevices' && e.query.$skiptoken)).toBe(true);
    const { state } = world.sandbox;
    expect([...state.groups.values()].some((g) => g.members.has(user.id))).toBe(false);
    expect([...state.devices.values()].every((d) => !d.accountEnabled)).toBe(true);
  });

  it("odd but valid names work: an apostrophe, and a guest's #EXT# UPN", async () => {
    const world = await entraWorld();
    const guestUpn = 'jane_fabrikam.example#EXT#@contoso.example';
    const { user: obrien } = seedUser(world, "o'brien@contoso.example", { groups: ['engineering'] });
    const { user: guest } = seedUser(world, guestUpn, { groups: ['engineering'], consents: [{ scope: 'User.Read' }] });
    for (const upn of ["o'brien@contoso.example", guestUpn]) {
      const run = await world.revoke(['user', upn, '-r', entraRunbook({ revoke: 'account, groups, consents' }), '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(findingsOf(run.stdout).every((f) => f.outcome === 'revoked')).toBe(true);
    }
    expect([obrien, guest].map((u) => u.accountEnabled)).toEqual([false, false]);
    expect(world.sandbox.state.permissionGrants).toEqual([]);
  });

  it('throttling (429) and 503 with Retry-After are retried through to the same result', async () => {
    const world = await entraWorld({ throttleRate: 0.25, unavailableRate: 0.1, retryAfterSeconds: 0 });
    const { user } = seedUser(world, JANE, { methods: ['phoneAuthenticationMethod', 'fido2AuthenticationMethod'], groups: ['engineering'], appRoles: ['Salesforce', 'Workday'] });
    const run = await world.revoke(['user', JANE, '-r', entraRunbook(), '--yes', '--json'], {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.exchanges.filter((e) => e.status === 429).length + run.exchanges.filter((e) => e.status === 503).length).toBeGreaterThan(0);
    expect(run.exchanges.find((e) => e.status === 429)).toBeDefined();
    // Requests throttled inside a $batch were sent again on their own.
    const throttledInBatch = run.exchanges.filter((e) => e.batched && e.status !== 200);
    for (const item of throttledInBatch) expect(run.exchanges.some((e) => !e.batched && e.path === item.path && e.status === 200)).toBe(true);
    expect(world.sandbox.state.appRoleAssignments.filter((a) => a.principalId === user.id)).toEqual([]);
    expect(world.sandbox.state.user(JANE)!.accountEnabled).toBe(false);
  });

  it('requests throttled inside a $batch are sent again on their own, after Retry-After', async () => {
    const world = await entraWorld({ throttleBatchItems: 1, retryAfterSeconds: 1 });
    seedUser(world, JANE, { devices: [{ name: 'JANE-LAPTOP' }] });
    const run = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'devices' }), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const throttled = run.exchanges.find((e) => e.batched && e.status === 429)!;
    expect(throttled.route).toBe('/users/{user-id}/ownedDevices');
    const resent = run.exchanges.filter((e) => !e.batched && e.path === throttled.path);
    expect(resent.map((e) => e.status)).toEqual([200]);
    expect(resent[0]!.at - throttled.at).toBeGreaterThanOrEqual(950);
    expect(findingsOf(run.stdout)).toMatchObject([{ kind: 'devices', outcome: 'revoked' }]);
  });

  it('Retry-After is honoured: a throttled write is retried after the time Graph asked for, and the retry is recorded', async () => {
    const world = await entraWorld({ throttleWrites: 2, retryAfterSeconds: 1 });
    seedUser(world, JANE, {});
    const run = await world.revoke(['user', JANE, '-r', entraRunbook({ revoke: 'account' }), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const patches = run.exchanges.filter((e) => e.method === 'PATCH');
    expect(patches.map((e) => e.status)).toEqual([429, 429, 204]);
    expect(patches[1]!.at - patches[0]!.at).toBeGreaterThanOrEqual(950);
    expect(patches[2]!.at - patches[1]!.at).toBeGreaterThanOrEqual(950);
    expect(findingsOf(run.stdout)).toMatchObject([{ kind: 'account', outcome: 'revoked', retries: 2 }]);
    expect(world.sandbox.state.user(JANE)!.accountEnabled).toBe(false);
  });

  it('credentials: a missing secret, a wrong one (never echoed) and a group-readable certificate are exit 2; a certificate works', async () => {
    const world = await entraWorld();
    seedUser(world, JANE, {});
    const missing = await world.revoke(['user', JANE, '-r', entraRunbook(), '--dry-run'], { AZURE_CLIENT_SECRET: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no client secret for provider entra: AZURE_CLIENT_SECRET is not set');
    const canary = 'canary-secret-5f2b9c';
    const reports = join(mkdtempSync(join(tmpdir(), 'revoke-entra-')), 'reports');
    const wrong = await world.revoke(['user', JANE, '-r', entraRunbook(), '--dry-run', '--report', reports], { AZURE_CLIENT_SECRET: canary });
    expect(wrong.code).toBe(2);
    expect(readdirSync(reports).length).toBeGreaterThan(0);
    for (const file of readdirSync(reports)) expect(readFileSync(join(reports, file), 'utf8')).not.toContain(canary);
    expect(wrong.stderr).toContain('Microsoft Entra refused the credentials of provider entra (client secret)');
    expect(wrong.stderr).toContain('AADSTS7000215');
    expect(wrong.stdout + wrong.stderr).not.toContain(canary);
    const certificate = selfSignedCertificate('revoke-operator', { rsa: true });
    registerCertificate(world.sandbox, world.operator.clientId, certificate);
    const pem = join(writeTemp('cert.pem', ''), '..', 'operator.pem');
    writeFileSync(pem, `${certificate.key}${certificate.cert}`, { mode: 0o640 });
    const certRunbook = entraRunbook({ revoke: 'account', provider: `\n    certificateFile: ${pem}` });
    const readable = await world.revoke(['user', JANE, '-r', certRunbook, '--yes'], { AZURE_CLIENT_SECRET: '' });
    expect(readable.code).toBe(2);
    expect(readable.stderr).toContain(`certificate file ${pem} of provider entra can be read by group or others; refusing to use it`);
    chmodSync(pem, 0o600);
    const withCertificate = await world.revoke(['user', JANE, '-r', certRunbook, '--yes'], { AZURE_CLIENT_SECRET: '' });
    expect(withCertificate.code, withCertificate.stderr).toBe(0);
    expect(world.sandbox.state.user(JANE)!.accountEnabled).toBe(false);
    // A certificate the app does not know is refused by the token endpoint.
    registerCertificate(world.sandbox, world.operator.clientId, selfSignedCertificate('someone-else', { rsa: true }));
    const unknownCertificate = await world.revoke(['user', JANE, '-r', certRunbook, '--dry-run'], { AZURE_CLIENT_SECRET: '' });
    expect(unknownCertificate.code).toBe(2);
    expect(unknownCertificate.stderr).toContain('AADSTS700027');
  });

  it('an unreachable or untrusted identity platform or Graph is exit 2 with what to check', async () => {
    const world = await entraWorld();
    seedUser(world, JANE, {});
    const untrusted = await world.revoke(['user', JANE, '-r', entraRunbook(), '--dry-run'], { NODE_EXTRA_CA_CERTS: '' });
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toContain(`cannot reach the Microsoft identity platform at ${world.sandbox.url} for the tenant of provider entra`);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
    const graphDown = await world.revoke(['user', JANE, '-r', entraRunbook(), '--dry-run'], { REVOKE_GRAPH_URL: 'https://127.0.0.1:9' });
    expect(graphDown.code).toBe(2);
    expect(graphDown.stderr).toContain('cannot reach Microsoft Graph for provider entra');
    expect(graphDown.stderr).not.toContain('HTTP -1');
  });

  it('missing application permissions are exit 2 at connect, naming what to grant', async () => {
    const world = await entraWorld({ roles: ['User.Read.All'] });
    seedUser(world, JANE, {});
    const run = await world.revoke(['user', JANE, '-r', entraRunbook(), '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Microsoft Graph refused provider entra: HTTP 403 Authorization_RequestDenied');
  });
});
