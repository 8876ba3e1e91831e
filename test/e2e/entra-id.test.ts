import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entraRunbook, entraWorld, findingsOf, seedUser } from '../support/entra.js';
import { runBin } from '../support/spawn.js';

// Each test runs the real binary several times (process start, SDK load, TLS): allow for a loaded CI machine.
describe('entra-id through the built binary', { timeout: 90_000 }, () => {
  it('revoke providers entra-id lists every kind with the Graph application permissions it needs', async () => {
    const { code, stdout } = await runBin(['providers', 'entra-id', '--json']);
    expect(code).toBe(0);
    const [entra] = JSON.parse(stdout);
    expect(entra.kinds.map((k: { name: string }) => k.name)).toEqual(['account', 'sessions', 'auth-methods', 'groups', 'directory-roles', 'app-roles', 'consents', 'devices', 'user']);
    const needs = Object.fromEntries(entra.kinds.map((k: { name: string; permissions: string[] }) => [k.name, k.permissions.join('; ')]));
    expect(needs['directory-roles']).toBe('RoleManagement.ReadWrite.Directory');
    expect(needs['auth-methods']).toBe('UserAuthenticationMethod.ReadWrite.All');
    expect(needs.devices).toBe('Device.ReadWrite.All');
  });

  it('the example runbook validates, and runs against the sandbox end to end (dry run, then for real)', async () => {
    expect((await runBin(['validate', 'runbooks/entra-offboarding.yaml'])).code).toBe(0);
    const world = await entraWorld();
    seedUser(world, 'jane@contoso.example');
    const dry = await world.revoke(['user', 'jane@contoso.example', '-r', 'runbooks/entra-offboarding.yaml', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.exchanges.filter((e) => e.mutating)).toEqual([]);
    const real = await world.revoke(['user', 'jane@contoso.example', '-r', 'runbooks/entra-offboarding.yaml', '--yes', '--json']);
    expect(real.code, real.stderr).toBe(0);
    expect(findingsOf(real.stdout).every((f) => f.outcome === 'revoked')).toBe(true);
    expect(world.sandbox.state.user('jane@contoso.example')).toBeUndefined();
    const again = await world.revoke(['user', 'jane@contoso.example', '-r', entraRunbook(), '--yes']);
    expect(again.code).toBe(0);
  });

  it('a reviewed plan (--plan-out) is applied as planned with revoke apply', async () => {
    const world = await entraWorld();
    const { user } = seedUser(world, 'jane@contoso.example', { groups: ['engineering'], appRoles: ['Salesforce'] });
    const plan = join(mkdtempSync(join(tmpdir(), 'revoke-entra-plan-')), 'jane.plan.json');
    const where = { XDG_CONFIG_HOME: dirname(plan) };
    const planned = await world.revoke(['user', 'jane@contoso.example', '-r', entraRunbook({ revoke: 'groups, app-roles' }), '--dry-run', '--plan-out', plan], where);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.exchanges.filter((e) => e.mutating)).toEqual([]);
    const applied = await world.revoke(['apply', plan, '--yes'], where);
    expect(applied.code, applied.stderr).toBe(0);
    expect([...world.sandbox.state.groups.values()].some((g) => g.members.has(user.id))).toBe(false);
    expect(world.sandbox.state.appRoleAssignments).toEqual([]);
  });

  it('without any credentials: exit 2 with what to set', async () => {
    const { code, stderr } = await runBin(['user', 'jane@contoso.example', '-r', 'runbooks/entra-offboarding.yaml', '--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toContain('no tenant for provider entra');
    expect(stderr).toContain('AZURE_TENANT_ID');
  });
});
