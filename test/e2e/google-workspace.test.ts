import { chmodSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { googleSandboxEnvironment, seedGoogleCustomer, seedGoogleUser, startGoogleSandbox, type GoogleSandbox } from '../../src/sandbox/index.js';
import { writeTemp } from '../support/cli.js';
import { discoveryViolations } from '../support/google-discovery.js';
import { runBin } from '../support/spawn.js';

let sandbox: GoogleSandbox | undefined;
afterEach(async () => {
  if (!sandbox) return;
  await sandbox.close();
  expect(sandbox.exchanges.flatMap(discoveryViolations)).toEqual([]);
  sandbox = undefined;
});

async function world() {
  sandbox = await startGoogleSandbox();
  const key = seedGoogleCustomer(sandbox, { domain: 'acme.example', admin: 'it-admin@acme.example' });
  seedGoogleUser(sandbox, { email: 'manager@acme.example' });
  const person = seedGoogleUser(sandbox, {
    email: 'jane.doe@acme.example',
    lastLoginMinutesAgo: 10,
    oauthApps: [{ clientId: 'slack.apps.googleusercontent.com', name: 'Slack', scopes: ['https://www.googleapis.com/auth/calendar'] }],
    appPasswords: [{ name: 'Thunderbird' }],
    backupCodes: 10,
    devices: [{ model: 'Pixel 8', os: 'Android 15' }],
    groups: { 'eng@acme.example': 'MEMBER' },
    adminRoles: ['_GROUPS_ADMIN_ROLE'],
    driveUsedMb: 40,
  });
  const keyFile = writeTemp('sa.json', key);
  chmodSync(keyFile, 0o600);
  const runbook = writeTemp(
    'google.yaml',
    `version: 1
name: google-e2e
providers:
  google:
    type: google-workspace
    domain: acme.example
    subject: it-admin@acme.example
    keyFile: ${keyFile}
    writeIntervalMs: 0
    transferPollMs: 10
steps:
  - id: google-contain
    provider: google
    user: "{{user}}"
    mode: disable
    revoke: [sessions, oauth-tokens, app-passwords, backup-codes, password, suspend]
  - id: google-remove
    provider: google
    user: "{{user}}"
    mode: delete
    revoke: [all]
    transferTo: manager@acme.example
    dependsOn: [google-contain]
`,
  );
  return { sandbox, person, runbook, env: googleSandboxEnvironment(sandbox) };
}

describe('google-workspace through the built binary (dist/, lazy-loaded Google clients)', () => {
  it('dry run changes nothing; the real run revokes everything and the person is locked out; a second run is clean', async () => {
    const { sandbox, person, runbook, env } = await world();
    const dry = await runBin(['user', 'jane.doe@acme.example', '-r', runbook, '--dry-run', '--json'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(sandbox.exchanges.filter((e) => e.mutating)).toEqual([]);
    expect(JSON.parse(dry.stdout).steps[1].findings.map((f: { kind: string }) => f.kind)).toContain('data-transfer');
    const run = await runBin(['user', 'jane.doe@acme.example', '-r', runbook, '--yes'], { env, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(sandbox.state.user('jane.doe@acme.example')).toBeUndefined();
    expect(sandbox.state.user('manager@acme.example')!.driveUsedMb).toBe(40);
    const signIn = await fetch(new URL('/oauth2/v3/userinfo', sandbox.url), { headers: { authorization: `Bearer ${person.appTokens['slack.apps.googleusercontent.com']}` } });
    expect(signIn.status).toBe(401);
    const again = await runBin(['user', 'jane.doe@acme.example', '-r', runbook, '--yes', '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).steps.flatMap((s: { findings: unknown[] }) => s.findings)).toEqual([]);
  });

  it('`revoke providers google-workspace` prints the OAuth scope each kind needs', async () => {
    const { code, stdout } = await runBin(['providers', 'google-workspace']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sessions\s+web and device sessions: signed out[^\n]*\n\s+needs: https:\/\/www\.googleapis\.com\/auth\/admin\.directory\.user\.security/);
    expect(stdout).toMatch(/data-transfer[^\n]*\n\s+needs: https:\/\/www\.googleapis\.com\/auth\/admin\.datatransfer/);
    expect(stdout).toContain('admin.reports.audit.readonly');
    // The whole list to paste into the Admin console's domain-wide delegation, nothing more.
    const [provider] = JSON.parse((await runBin(['providers', 'google-workspace', '--json'])).stdout);
    expect(provider.policy).toHaveLength(9);
    expect(provider.policy.every((scope: string) => scope.startsWith('https://www.googleapis.com/auth/admin.'))).toBe(true);
  });

  it('the example runbook validates', async () => {
    const { code, stdout } = await runBin(['validate', 'runbooks/google-offboarding.yaml']);
    expect(code).toBe(0);
    expect(stdout).toBe('runbooks/google-offboarding.yaml: ok (6 steps)\n');
  });
});
