import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProcess, type RunningSandbox } from '../support/sandbox-process.js';
import { runBin } from '../support/spawn.js';

let sandbox: RunningSandbox;
let env: NodeJS.ProcessEnv;
let reports: string;
const newest = (suffix: string, before: Set<string>) => join(reports, readdirSync(reports).find((n) => n.endsWith(suffix) && !before.has(n))!);

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--seed', 'jdoe,alice'], { REVOKE_SANDBOX_NO_POSTGRES: '1' });
  const scratch = mkdtempSync(join(tmpdir(), 'revoke-show-'));
  reports = join(scratch, 'reports');
  // One config folder for every command here: the default signing key is made once and found again.
  env = { ...sandbox.exports, XDG_CONFIG_HOME: scratch };
}, 30_000);
afterAll(() => {
  sandbox?.child.kill('SIGKILL');
});

describe('report show, verify and --json (the built binary)', () => {
  it('renders a run report under a line saying its signature verifies (default key, said so); --json too', async () => {
    const run = await runBin(['user', 'alice', '-r', sandbox.exports.REVOKE_SANDBOX_RUNBOOK!, '--yes', '--report', reports], { env, timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    const report = join(reports, readdirSync(reports).find((n) => n.includes('-alice-') && n.endsWith('.intoto.json'))!);
    // Every run says where the public key that verifies its report is.
    expect(run.stdout).toContain(`verify it with: revoke verify ${report} --key ${join(env.XDG_CONFIG_HOME!, 'revoke', 'signing-key.pub.pem')}`);

    const shown = await runBin(['report', 'show', report], { env });
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain("note: no --key given; checking with this machine's default public key");
    expect(shown.stdout.split('\n')[0]).toMatch(/^signature: verified with .+signing-key\.pub\.pem$/);
    expect(shown.stdout).toContain('user          alice');

    const json = JSON.parse((await runBin(['report', 'show', report, '--json'], { env })).stdout);
    expect(json.signature.valid).toBe(true);
    expect(json.predicate.user).toBe('alice');

    const verified = await runBin(['verify', report, '--json'], { env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).valid).toBe(true);
  }, 90_000);

  it('a report whose signature does not verify says so at the top, and exits 1', async () => {
    const report = join(reports, readdirSync(reports).find((n) => n.includes('-alice-') && n.endsWith('.intoto.json'))!);
    const envelope = JSON.parse(readFileSync(report, 'utf8'));
    const signature = Buffer.from(envelope.signatures[0].sig, 'base64');
    signature[signature.length - 1] = signature[signature.length - 1]! ^ 1;
    envelope.signatures[0].sig = signature.toString('base64');
    const tampered = join(reports, 'tampered.intoto.json');
    writeFileSync(tampered, JSON.stringify(envelope));
    const shown = await runBin(['report', 'show', tampered, '--format', 'md'], { env });
    expect(shown.code).toBe(1);
    expect(shown.stdout.split('\n')[0]).toMatch(/^> ❌ WARNING: the signature does NOT verify/);
    const verify = await runBin(['verify', tampered, '--json'], { env });
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).valid).toBe(false);
  });

  it('renders audit and watch reports; audit and providers take --json', async () => {
    const users = join(reports, '..', 'users.txt');
    writeFileSync(users, 'jdoe\nalice\n');
    const before = new Set(readdirSync(reports));
    const audit = await runBin(['audit', '-r', sandbox.exports.REVOKE_SANDBOX_RUNBOOK!, '--users', users, '--json', '--report', reports], { env, timeoutMs: 60_000 });
    expect(audit.code).toBe(3);
    expect(JSON.parse(audit.stdout).summary).toMatchObject({ users: 2, withAccess: 1 });
    const auditShown = await runBin(['report', 'show', newest('.intoto.json', before)], { env });
    expect(auditShown.code).toBe(0);
    expect(auditShown.stdout).toMatch(/audit of 2 users with runbook demo-offboarding: 1 still with access/);
    expect(auditShown.stdout).toMatch(/- jdoe: aws jdoe: access key/);

    const runReport = join(reports, readdirSync(reports).find((n) => n.includes('-alice-') && n.endsWith('.intoto.json') && !n.startsWith('tampered'))!);
    const beforeWatch = new Set(readdirSync(reports));
    const watch = await runBin(['watch', runReport, '--json', '--report', reports], { env, timeoutMs: 60_000 });
    expect([0, 3]).toContain(watch.code);
    const watchShown = await runBin(['report', 'show', newest('.intoto.json', beforeWatch)], { env });
    expect(watchShown.code).toBe(0);
    expect(watchShown.stdout).toMatch(/^watch of alice \(run .+\) from /m);

    const providers = JSON.parse((await runBin(['providers', '--json'])).stdout);
    expect(Array.isArray(providers) ? providers.length : Object.keys(providers).length).toBeGreaterThan(0);
  }, 90_000);

  it('apply and watch find the runbook next to the plan or report by its sha256 when run from elsewhere; -r overrides', async () => {
    const folder = join(reports, '..', 'handover');
    mkdirSync(folder);
    copyFileSync(sandbox.exports.REVOKE_SANDBOX_RUNBOOK!, join(folder, 'offboard.yaml'));
    // The plan records the runbook as "offboard.yaml", relative to the folder it was made in.
    const planned = await runBin(['user', 'jdoe', '-r', 'offboard.yaml', '--dry-run', '--plan-out', 'jdoe.plan.json', '--report', reports], { env, cwd: folder, timeoutMs: 60_000 });
    expect(planned.code).toBe(0);

    const elsewhere = mkdtempSync(join(tmpdir(), 'revoke-elsewhere-'));
    const changed = join(elsewhere, 'edited.yaml');
    writeFileSync(changed, `${readFileSync(join(folder, 'offboard.yaml'), 'utf8')}\n# edited\n`);
    const overridden = await runBin(['apply', join(folder, 'jdoe.plan.json'), '-r', changed, '--yes', '--report', reports], { env, cwd: elsewhere, timeoutMs: 60_000 });
    expect(overridden.code).toBe(2);
    expect(overridden.stderr).toContain(`the runbook ${changed} changed since the plan`);

    const before = new Set(readdirSync(reports));
    const applied = await runBin(['apply', join(folder, 'jdoe.plan.json'), '--yes', '--report', reports, '--json'], { env, cwd: elsewhere, timeoutMs: 60_000 });
    expect(applied.stderr).not.toContain('error');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).totals.revoked).toBeGreaterThan(0);

    // The report records where apply found the runbook, so watch finds it from anywhere; -r overrides.
    const report = newest('.intoto.json', before);
    const watched = await runBin(['watch', report, '--json', '--report', reports], { env, cwd: elsewhere, timeoutMs: 60_000 });
    expect([0, 3], watched.stderr).toContain(watched.code);
    const wrongRunbook = await runBin(['watch', report, '-r', changed, '--report', reports], { env, cwd: elsewhere, timeoutMs: 60_000 });
    expect(wrongRunbook.code).toBe(2);
    expect(wrongRunbook.stderr).toContain(`the runbook ${changed} changed since the report was made`);

    // A plan handed over alone: no runbook with its sha256 anywhere near it is exit 2 saying to pass -r.
    const alone = mkdtempSync(join(tmpdir(), 'revoke-alone-'));
    copyFileSync(join(folder, 'jdoe.plan.json'), join(alone, 'jdoe.plan.json'));
    const lost = await runBin(['apply', join(alone, 'jdoe.plan.json'), '--yes', '--report', reports], { env, cwd: alone, timeoutMs: 60_000 });
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('cannot find the runbook offboard.yaml');
    expect(lost.stderr).toContain('fix: pass it with -r <runbook>');
  }, 120_000);
});
