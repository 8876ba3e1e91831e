import { describe, expect, it } from 'vitest';
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
    const again = await world.revoke(['user', email, '-r', runbook, '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(outcomes(again.stdout)).toEqual([]);
  });
});
