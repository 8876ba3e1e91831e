import { describe, expect, it } from 'vitest';
import { runBin } from '../support/spawn.js';
import { oktaWorld, seedPerson } from '../support/okta.js';

const RUNBOOK = 'runbooks/okta-offboarding.yaml';

describe('okta through the built binary (node bin/revoke.js, dist/)', () => {
  it('the example runbook validates, dry-runs without writes, offboards for good, and a second run is clean', async () => {
    const validate = await runBin(['validate', RUNBOOK]);
    expect(validate.code, validate.stderr).toBe(0);

    const world = await oktaWorld();
    const jane = seedPerson(world, 'jane.doe@acme.com');
    const env = { OKTA_ORG_URL: world.sandbox.url, OKTA_API_TOKEN: world.org.token };
    const dry = await runBin(['user', 'jane.doe@acme.com', '-r', RUNBOOK, '--dry-run', '--json'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).totals.findings).toBeGreaterThan(8);
    expect(world.sandbox.exchanges.filter((e) => e.method !== 'GET')).toEqual([]);

    const run = await runBin(['user', 'jane.doe@acme.com', '-r', RUNBOOK, '--yes', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const steps = JSON.parse(run.stdout).steps as Array<{ id: string; findings: Array<{ kind: string; outcome: string }> }>;
    expect(steps.find((s) => s.id === 'okta-contain')!.findings.map((f) => f.kind)).toContain('suspend');
    expect(steps.find((s) => s.id === 'okta-remove')!.findings.map((f) => `${f.kind}:${f.outcome}`)).toEqual(expect.arrayContaining(['factors:revoked', 'user:revoked']));
    expect(world.sandbox.state.users.has(jane.user.id)).toBe(false);
    expect(run.stdout + run.stderr).not.toContain(world.org.token);

    const again = await runBin(['user', 'jane.doe@acme.com', '-r', RUNBOOK, '--yes', '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).totals.findings).toBe(0);
  });

  it('revoke providers okta prints the scopes per kind; a missing token exits 2 with the fix', async () => {
    const providers = await runBin(['providers', 'okta']);
    expect(providers.code).toBe(0);
    expect(providers.stdout).toMatch(/api-tokens[\s\S]*okta\.apiTokens\.manage/);
    const world = await oktaWorld();
    const missing = await runBin(['user', 'jane.doe@acme.com', '-r', RUNBOOK, '--dry-run'], { env: { OKTA_ORG_URL: world.sandbox.url } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no Okta API token for provider okta: OKTA_API_TOKEN is not set/);
    expect(missing.stderr).toMatch(/export OKTA_API_TOKEN=/);
  });
});
