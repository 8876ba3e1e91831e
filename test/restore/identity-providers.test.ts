import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entraRunbook, entraWorld, seedUser as seedEntraUser } from '../support/entra.js';
import { googleRunbook, googleWorld, seedPerson as seedGooglePerson } from '../support/google.js';
import { oktaRunbook, oktaWorld, seedPerson as seedOktaPerson } from '../support/okta.js';
import { reportFiles } from '../support/reports.js';

/** Runs the containment, then `restore` with the same signing home; returns both results as JSON. */
async function containThenRestore(revoke: (args: string[], env?: NodeJS.ProcessEnv) => Promise<{ code: number | null; stdout: string; stderr: string }>, user: string, runbook: string) {
  const home = mkdtempSync(join(tmpdir(), 'revoke-restore-idp-'));
  const reports = join(home, 'reports');
  const contained = await revoke(['user', user, '-r', runbook, '--yes', '--report', reports], { XDG_CONFIG_HOME: home });
  expect(contained.code, contained.stderr).toBe(0);
  const restored = await revoke(['restore', reportFiles(reports).reports[0]!, '--yes', '--json'], { XDG_CONFIG_HOME: home });
  return { code: restored.code, stderr: restored.stderr, result: JSON.parse(restored.stdout) as { steps: Array<{ findings: Array<{ kind: string; outcome: string; detail: string }> }> } };
}

const outcomes = (result: { steps: Array<{ findings: Array<{ kind: string; outcome: string }> }> }) => result.steps.flatMap((s) => s.findings.map((f) => `${f.kind}:${f.outcome}`)).sort();

describe('restore on the identity providers (sandboxes, spec-checked)', () => {
  it('okta: a suspended user is unsuspended (ACTIVE again); ended sessions are said not restorable', async () => {
    const world = await oktaWorld();
    seedOktaPerson(world, 'dana@acme.test', { signedIn: true });
    const { code, stderr, result } = await containThenRestore(world.revoke, 'dana@acme.test', oktaRunbook({ kinds: 'sessions, suspend' }));
    expect(code, stderr).toBe(0);
    expect(outcomes(result)).toEqual(['sessions:not-restorable', 'suspend:restored']);
    expect([...world.sandbox.state.users.values()].find((u) => u.login === 'dana@acme.test')!.status).toBe('ACTIVE');
  });

  it('entra-id (the built binary): sign-in allowed again; revoked sessions are said not restorable', async () => {
    const world = await entraWorld();
    const { user } = seedEntraUser(world, 'jane@contoso.example');
    const { code, stderr, result } = await containThenRestore(world.revoke, 'jane@contoso.example', entraRunbook({ revoke: 'account, sessions' }));
    expect(code, stderr).toBe(0);
    expect(outcomes(result)).toEqual(['account:restored', 'sessions:not-restorable']);
    expect(world.sandbox.state.users.get(user.id)!.accountEnabled).toBe(true);
  }, 30_000);

  it('google-workspace: unsuspended; signed-out sessions are said not restorable', async () => {
    const world = await googleWorld();
    seedGooglePerson(world, 'gail@acme.example');
    const runbook = googleRunbook(world, { remove: false, edit: (text) => text.replace('revoke: [sessions, oauth-tokens, app-passwords, backup-codes, password, suspend]', 'revoke: [sessions, suspend]') });
    const { code, stderr, result } = await containThenRestore(world.revoke, 'gail@acme.example', runbook);
    expect(code, stderr).toBe(0);
    expect(outcomes(result)).toEqual(['sessions:not-restorable', 'suspend:restored']);
    expect(world.sandbox.state.user('gail@acme.example')!.suspended).toBe(false);
  });
});
