import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFiles } from '../support/reports.js';
import { googleRunbook, googleWorld, personCanSignIn, seedPerson } from '../support/google.js';

const outcomes = (stdout: string) =>
  (JSON.parse(stdout) as { steps: Array<{ findings: Array<{ kind: string; outcome: string }> }> }).steps.flatMap((s) => s.findings.map((f) => `${f.kind}:${f.outcome}`)).sort();

describe('google-workspace provider against the Google sandbox (real Google clients over HTTP, discovery-checked)', () => {
  it('disable mode: contains the person and every credential they had stops working; a second run finds nothing', async () => {
    const world = await googleWorld();
    const person = seedPerson(world, 'jane.doe@acme.example');
    const email = 'jane.doe@acme.example';
    expect(await personCanSignIn(world, { cookie: person.sessionCookie })).toBe(true);
    const runbook = googleRunbook(world, { remove: false });
    const { code, stdout, stderr } = await world.revoke(['user', email, '-r', runbook, '--yes', '--json']);
    expect(code, stderr).toBe(0);
    expect(outcomes(stdout)).toEqual(
      ['app-passwords:revoked', 'backup-codes:revoked', 'oauth-tokens:revoked', 'oauth-tokens:revoked', 'password:revoked', 'sessions:revoked', 'suspend:revoked'].sort(),
    );
    const user = world.sandbox.state.user(email)!;
    expect(user.suspended).toBe(true);
    expect(user.grants.size).toBe(0);
    expect(user.appPasswords.size).toBe(0);
    expect(user.backupCodes).toEqual([]);
    expect(await personCanSignIn(world, { cookie: person.sessionCookie })).toBe(false);
    expect(await personCanSignIn(world, { bearer: Object.values(person.appTokens)[0] })).toBe(false);
    expect(await personCanSignIn(world, { basic: `${email}:${person.appPasswords[0]}` })).toBe(false);
    expect(await personCanSignIn(world, { basic: `${email}:${person.password}` })).toBe(false);
    // The new password is in no output, report or journal: no 64-character token there hashes to it.
    const { reports, journals } = reportFiles(join(world.lastScratch(), 'reports'));
    const written = [stdout, stderr, ...[...reports, ...journals].map((file) => readFileSync(file, 'utf8'))].join('\n');
    const candidates = written.match(/[A-Za-z0-9_-]{64}/g) ?? [];
    expect(candidates.filter((c) => createHash('sha256').update(c).digest('hex') === user.passwordHash)).toEqual([]);
    expect(world.sandbox.exchanges.filter((e) => e.method === 'PUT').map((e) => (e.requestBody as { password?: string }).password)).toContain('<redacted>');
    const again = await world.revoke(['user', email, '-r', runbook, '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(outcomes(again.stdout)).toEqual([]);
  });
});

describe('google-workspace: delete mode, dry runs, blast radius', () => {
  it('a dry run of both steps sends no mutating request and shows every kind with its warnings', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const { code, stdout, stderr, exchanges } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world), '--dry-run', '--json']);
    expect(code, stderr).toBe(0);
    expect(exchanges.filter((e) => e.mutating)).toEqual([]);
    expect(exchanges.filter((e) => e.api !== 'oauth' && e.method !== 'GET')).toEqual([]);
    const result = JSON.parse(stdout);
    const kinds = result.steps.flatMap((s: { findings: Array<{ kind: string }> }) => s.findings.map((f) => f.kind));
    for (const kind of ['sessions', 'oauth-tokens', 'app-passwords', 'backup-codes', 'password', 'mobile-devices', 'groups', 'admin-roles', 'data-transfer', 'suspend', 'user']) expect(kinds, kind).toContain(kind);
    const warnings: string[] = result.warnings;
    expect(warnings.some((w) => /jane\.doe@acme\.example signed in 30 min ago/.test(w))).toBe(true);
    expect(warnings.some((w) => /Release deploy bot looks like an automation/.test(w))).toBe(true);
    expect(warnings.some((w) => /only owner of oncall@acme\.example/.test(w))).toBe(true);
    const findings = result.steps.flatMap((s: { findings: unknown[] }) => s.findings) as Array<{ kind: string; details?: Record<string, unknown>; label: string }>;
    expect(findings.find((f) => f.kind === 'suspend')!.details).toEqual({ wasSuspended: false });
    expect(findings.find((f) => f.kind === 'sessions')!.label).toMatch(/Gmail can lag up to an hour/);
    expect(findings.find((f) => f.kind === 'data-transfer')!.label).toBe('Drive and Calendar of jane.doe@acme.example transferred to manager@acme.example (512 MB in Drive)');
    expect(stdout).not.toContain(world.key.slice(40, 80));
  });

  it('delete mode: devices wiped (account only), groups and roles removed, data transferred, user deleted; a second run is clean', async () => {
    const world = await googleWorld();
    const person = seedPerson(world, 'jane.doe@acme.example');
    const { state } = world.sandbox;
    const id = state.user('jane.doe@acme.example')!.id;
    const { code, stdout, stderr } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world), '--yes', '--json']);
    expect(code, stderr).toBe(0);
    const all = outcomes(stdout);
    for (const kind of ['mobile-devices', 'groups', 'admin-roles', 'data-transfer', 'user', 'suspend', 'password', 'sessions']) expect(all, kind).toContain(`${kind}:revoked`);
    expect([...state.devices.values()].map((d) => d.status)).toEqual(['ACCOUNT_WIPING']);
    expect([...state.groups.values()].every((g) => !g.members.has('jane.doe@acme.example'))).toBe(true);
    expect([...state.roleAssignments.values()].filter((a) => a.assignedTo === id)).toEqual([]);
    expect(state.user('manager@acme.example')!.driveUsedMb).toBe(512);
    expect([...state.transfers.values()].map((t) => t.status)).toEqual(['completed']);
    expect(state.user('jane.doe@acme.example')).toBeUndefined();
    expect(await personCanSignIn(world, { cookie: person.sessionCookie })).toBe(false);
    const again = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world), '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(outcomes(again.stdout)).toEqual([]);
  });

  it('wipe: device wipes the whole phone, with a warning', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example', { devices: [{ model: 'iPhone 15', os: 'iOS 18.1' }] });
    const runbook = googleRunbook(world, { remove: '\n    wipe: device' });
    const dry = await world.revoke(['user', 'jane.doe@acme.example', '-r', runbook, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout).warnings.some((w: string) => /wipe: device erases the whole iPhone 15/.test(w))).toBe(true);
    const { code, stderr } = await world.revoke(['user', 'jane.doe@acme.example', '-r', runbook, '--yes']);
    expect(code, stderr).toBe(0);
    expect([...world.sandbox.state.devices.values()].map((d) => d.status)).toEqual(['WIPING']);
  });

  it('delete mode without transferTo refuses while the person owns Drive data, before any change', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const { code, stderr, exchanges } = await world.revoke(['user', 'jane.doe@acme.example', '-r', googleRunbook(world, { remove: '' }), '--yes']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/jane\.doe@acme\.example owns 512 MB of Drive data and the step has no transferTo/);
    expect(stderr).toMatch(/add transferTo:/);
    expect(exchanges.filter((e) => e.mutating)).toEqual([]);
  });
});
