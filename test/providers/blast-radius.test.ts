import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeStatement, reportFiles } from '../support/reports.js';
import { iamWorld, runbookFile, type IamWorld } from '../support/iam.js';
import { ROOT } from '../support/spawn.js';

let world: IamWorld;
afterEach(async () => world?.sandbox.close());
const runbook = join(ROOT, 'test', 'fixtures', 'aws-offboarding.yaml');

describe('blast radius (IAM sandbox)', () => {
  it('a key used an hour ago is a warning in the plan, --json and the signed report', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 2, groups: ['solo'] });
    const [busy, idle] = world.sandbox.state.users.get('jdoe')!.accessKeys;
    busy!.lastUsed = { date: new Date(Date.now() - 3600_000), service: 's3', region: 'eu-west-1' };
    idle!.lastUsed = { date: new Date(Date.now() - 10 * 86_400_000), service: 'ec2', region: 'us-east-1' };
    const dir = runbookFile('x').replace(/\/[^/]+$/, '');
    const dry = await world.revoke(['user', 'jdoe', '-r', runbook, '--dry-run', '--json', '--report', join(dir, 'r')]);
    expect(dry.code).toBe(0);
    const warning = `access key ${busy!.id} was used 60 min ago (s3, eu-west-1): looks like automation; revoking may break a workload`;
    const result = JSON.parse(dry.stdout);
    expect(result.warnings).toContain(`aws-contain: ${warning}`);
    expect(result.warnings).toContain('aws-remove: jdoe is the only member of group solo: it will be empty (whatever relies on it loses its last user)');
    expect(result.warnings.filter((w: string) => w.includes(idle!.id))).toEqual([]);
    expect(dry.stderr).toContain(warning); // human plan (stderr with --json)
    const { reports } = reportFiles(join(dir, 'r'));
    expect(decodeStatement(readFileSync(reports[0]!, 'utf8')).predicate.warnings).toContain(`aws-contain: ${warning}`);
    // --recent widens the window: the key used 10 days ago warns too.
    const wide = await world.revoke(['user', 'jdoe', '-r', runbook, '--dry-run', '--json', '--recent', '30d']);
    expect(JSON.parse(wide.stdout).warnings.some((w: string) => w.includes(idle!.id))).toBe(true);
  });

  it('--fail-on-warning makes a dry run with warnings exit 3, and one without exit 0', async () => {
    world = await iamWorld();
    await world.seed('jdoe', { accessKeys: 1 });
    world.sandbox.state.users.get('jdoe')!.accessKeys[0]!.lastUsed = { date: new Date(Date.now() - 600_000), service: 'lambda', region: 'us-east-1' };
    expect((await world.revoke(['user', 'jdoe', '-r', runbook, '--dry-run', '--fail-on-warning'])).code).toBe(3);
    await world.seed('quiet', { accessKeys: 1 });
    expect((await world.revoke(['user', 'quiet', '-r', runbook, '--dry-run', '--fail-on-warning'])).code).toBe(0);
    expect((await world.revoke(['user', 'quiet', '-r', runbook, '--yes', '--fail-on-warning'])).code).toBe(2);
  });
});
