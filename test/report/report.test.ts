import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyReport } from '../../src/report/verify.js';
import { runCli, writeTemp } from '../support/cli.js';
import { fakeWorld } from '../support/fake-provider.js';
import { decodeStatement, reportFiles } from '../support/reports.js';
import { fakeRegistry, validRunbook } from '../support/runbooks.js';

const runbookFile = writeTemp('offboarding.yaml', validRunbook);
const world = () => fakeWorld({ alice: { tokens: ['t1'], groups: ['admins'] } });

async function keygen(dir: string, type = 'ecdsa-p256') {
  const prefix = join(dir, `signer-${type}`);
  const result = await runCli(['keygen', '--out', prefix, '--type', type], fakeRegistry());
  expect(result.code).toBe(0);
  return { key: `${prefix}.key`, pub: `${prefix}.pub` };
}

/** A real run (fake provider) that writes its journal and signed report into a fresh folder. */
async function signedRun(options: { type?: string; extraArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-report-'));
  const keys = await keygen(dir, options.type);
  const reportDir = join(dir, 'reports');
  const result = await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--json', '--report', reportDir, '--sign-key', keys.key, ...(options.extraArgs ?? [])], fakeRegistry(world()), { env: options.env ?? {} });
  const files = reportFiles(reportDir);
  return { dir, keys, reportDir, result, report: files.reports[0]!, journal: files.journals[0]! };
}

describe('signed report', () => {
  it('every run writes a journal and a DSSE-wrapped in-toto statement that verifies', async () => {
    const run = await signedRun();
    expect(run.result.code).toBe(0);
    const envelope = JSON.parse(readFileSync(run.report, 'utf8'));
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(envelope.signatures[0].keyid).toMatch(/^[0-9a-f]{64}$/);
    const statement = decodeStatement(readFileSync(run.report, 'utf8'));
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe('urn:revoke:report:v1');
    expect(statement.subject[0].digest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(statement.predicate).toMatchObject({
      tool: { name: 'revoke' },
      user: 'alice',
      dryRun: false,
      status: 'completed',
      complete: true,
      exitCode: 0,
      runbook: { name: 'offboarding' },
      actors: [{ provider: 'dir', providerType: 'fake', actor: 'fake:robot' }],
      identities: [
        { step: 'creds', provider: 'dir', user: 'alice' },
        { step: 'remove', provider: 'dir', user: 'alice' },
      ],
      totals: { findings: 5, revoked: 3, alreadyGone: 2 },
    });
    expect(statement.predicate.steps[0].findings[0]).toMatchObject({ id: 't1', kind: 'tokens', label: 'token t1', outcome: 'revoked', durationMs: expect.any(Number) });
    expect(JSON.parse(run.result.stdout).report.path).toBe(run.report);
    const verification = verifyReport(run.report, readFileSync(run.keys.pub, 'utf8'));
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.valid).toBe(true);
  });

  it('dry runs are reported too', async () => {
    const run = await signedRun({ extraArgs: ['--dry-run'] });
    expect(decodeStatement(readFileSync(run.report, 'utf8')).predicate).toMatchObject({ dryRun: true, status: 'completed', totals: { planned: 5 } });
  });

  it('revoke verify says what it checked; exit 0 when valid, 1 when not', async () => {
    const run = await signedRun();
    const ok = await runCli(['verify', run.report, '--key', run.keys.pub], fakeRegistry());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ signature: valid ecdsa-p256-sha256 signature over the DSSE PAE/);
    expect(ok.stdout).toMatch(/✓ journal \S+ chain: \d+ records chained from the first/);
    const other = await keygen(run.dir, 'ed25519');
    const wrongKey = await runCli(['verify', run.report, '--key', other.pub], fakeRegistry());
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain('✗ signature: no signature in the envelope is by this key and verifies');
  });

  it('flipping any byte of the envelope makes verification fail', async () => {
    const run = await signedRun();
    const original = readFileSync(run.report);
    const pub = readFileSync(run.keys.pub, 'utf8');
    const positions = Array.from({ length: original.length }, (_, i) => i);
    let checked = 0;
    for (const i of positions) {
      const tampered = Buffer.from(original);
      tampered[i] = tampered[i]! ^ 0x01;
      writeFileSync(run.report, tampered);
      const result = verifyReport(run.report, pub);
      if (result.valid) throw new Error(`flipping byte ${i} (${JSON.stringify(String.fromCharCode(original[i]!))}) still verified`);
      checked++;
    }
    expect(checked).toBe(original.length);
  });

  it('flipping a byte of any journal line, or of the payload, makes verification fail', async () => {
    const run = await signedRun();
    const pub = readFileSync(run.keys.pub, 'utf8');
    const journal = readFileSync(run.journal);
    const lineStarts = [0, ...[...journal.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1)].filter((i) => i < journal.length);
    for (const start of lineStarts) {
      const tampered = Buffer.from(journal);
      tampered[start + 5] = tampered[start + 5]! ^ 0x01;
      writeFileSync(run.journal, tampered);
      const result = verifyReport(run.report, pub);
      expect(result.valid).toBe(false);
      expect(result.checks.find((c) => c.name.endsWith('sha256'))?.ok).toBe(false);
    }
    writeFileSync(run.journal, journal);
    expect(verifyReport(run.report, pub).valid).toBe(true);
    // A payload edited and re-encoded (valid base64, different statement) fails the signature.
    const envelope = JSON.parse(readFileSync(run.report, 'utf8'));
    const statement = decodeStatement(readFileSync(run.report, 'utf8'));
    statement.predicate.totals.failed = 0;
    statement.predicate.user = 'mallory';
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(run.report, JSON.stringify(envelope));
    expect(verifyReport(run.report, pub).checks.find((c) => c.name === 'signature')?.ok).toBe(false);
  });

  it.each(['ecdsa-p256', 'ed25519'])('the README commands verify a %s report with jq, base64 and system openssl', async (type) => {
    const run = await signedRun({ type });
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const block = /<!-- verify-with-openssl -->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has the verification commands').toBeDefined();
    const script = `set -euo pipefail\nREPORT=${JSON.stringify(run.report)}\nPUBKEY=${JSON.stringify(run.keys.pub)}\nJOURNAL=${JSON.stringify(run.journal)}\ncd ${JSON.stringify(run.dir)}\n${block}`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Verified OK|Signature Verified Successfully/);
    expect(result.stdout).toContain('journal digest OK');
    expect(result.stdout).toContain('journal chain OK');
    // And the same script rejects a tampered journal.
    writeFileSync(run.journal, readFileSync(run.journal, 'utf8').replace('token t1', 'token t9'));
    expect(spawnSync('bash', ['-c', script], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it('refuses a signing key file that others can read (exit 2, nothing runs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revoke-key-'));
    const keys = await keygen(dir);
    expect(statSync(keys.key).mode & 0o777).toBe(0o600);
    chmodSync(keys.key, 0o644);
    const w = world();
    const result = await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--sign-key', keys.key], fakeRegistry(w));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: signing key ${keys.key} can be read by others (mode 0644); refusing to use it`);
    expect(result.stderr).toContain(`fix: chmod 600 ${keys.key}`);
    expect(w.calls).toEqual([]);
  });

  it('takes an encrypted PEM from REVOKE_SIGNING_KEY with REVOKE_SIGNING_KEY_PASSPHRASE, and never prints secrets', async () => {
    const passphrase = 'canary-passphrase-3f1e';
    const token = 'ghp_canaryTOKEN0123456789abcdef';
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
    const dir = mkdtempSync(join(tmpdir(), 'revoke-env-key-'));
    writeFileSync(join(dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const env = { REVOKE_SIGNING_KEY: encrypted, REVOKE_SIGNING_KEY_PASSPHRASE: passphrase, GITHUB_TOKEN: token };
    const reportDir = join(dir, 'reports');
    const result = await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--json', '--report', reportDir], fakeRegistry(world()), { env });
    expect(result.code).toBe(0);
    const { reports, journals } = reportFiles(reportDir);
    expect(verifyReport(reports[0]!, readFileSync(join(dir, 'pub.pem'), 'utf8')).valid).toBe(true);
    const everything = [result.stdout, result.stderr, readFileSync(reports[0]!, 'utf8'), Buffer.from(JSON.parse(readFileSync(reports[0]!, 'utf8')).payload, 'base64').toString(), readFileSync(journals[0]!, 'utf8')].join('\n');
    for (const secret of [passphrase, token, 'BEGIN ENCRYPTED PRIVATE KEY', encrypted.split('\n')[1]!]) expect(everything).not.toContain(secret);

    const missing = await runCli(['user', 'alice', '-r', runbookFile, '--yes'], fakeRegistry(world()), { env: { REVOKE_SIGNING_KEY: encrypted } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: the signing key from REVOKE_SIGNING_KEY is encrypted');
    const wrong = await runCli(['user', 'alice', '-r', runbookFile, '--yes'], fakeRegistry(world()), { env: { REVOKE_SIGNING_KEY: encrypted, REVOKE_SIGNING_KEY_PASSPHRASE: 'nope' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr + wrong.stdout).not.toContain(encrypted.split('\n')[1]!);
    const garbage = await runCli(['user', 'alice', '-r', runbookFile, '--yes'], fakeRegistry(world()), { env: { REVOKE_SIGNING_KEY: 'not a key' } });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('is not a PEM private key');
  });

  it('with no key configured, creates one (0600) in the config folder and says where its public key is', async () => {
    const config = mkdtempSync(join(tmpdir(), 'revoke-config-'));
    const result = await runCli(['user', 'alice', '-r', runbookFile, '--yes'], fakeRegistry(world()), { env: { XDG_CONFIG_HOME: config } });
    expect(result.code).toBe(0);
    const key = join(config, 'revoke', 'signing-key.pem');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain(`give its public key to \`revoke verify --key\`: ${join(config, 'revoke', 'signing-key.pub.pem')}`);
    expect(createPrivateKey(readFileSync(key)).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const again = await runCli(['user', 'alice', '-r', runbookFile, '--yes'], fakeRegistry(world()), { env: { XDG_CONFIG_HOME: config } });
    expect(again.stderr).not.toContain('created a signing key');
  });

  it('keygen refuses to overwrite an existing key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revoke-keygen-'));
    await keygen(dir);
    const again = await runCli(['keygen', '--out', join(dir, 'signer-ecdsa-p256')], fakeRegistry());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; not overwriting it');
  });

  it('report show renders text and markdown', async () => {
    const run = await signedRun();
    const text = await runCli(['report', 'show', run.report, '--key', run.keys.pub], fakeRegistry());
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(`signature: verified with ${run.keys.pub}`);
    expect(text.stdout).toMatch(/^run\s+\S+-alice-/m);
    expect(text.stdout).toMatch(/step creds \[dir: alice, disable\] succeeded\n {2}- token t1 \[tokens t1\] revoked/);
    const md = await runCli(['report', 'show', run.report, '--format', 'md', '--key', run.keys.pub], fakeRegistry());
    expect(md.stdout).toContain('## revoke report: alice (completed)');
    expect(md.stdout).toContain('| tokens | token t1 | revoked |');
  });

  it('report show on a machine with no key still renders, saying first that the signature was not checked', async () => {
    const run = await signedRun();
    const shown = await runCli(['report', 'show', run.report], fakeRegistry());
    expect(shown.code).toBe(0);
    expect(shown.stdout.split('\n')[0]).toMatch(/^signature NOT checked: no --key given and no default public key on this machine .*; pass --key <pub\.pem>/);
    expect(shown.stdout).toMatch(/step creds \[dir: alice, disable\] succeeded/);
  });

  it('a failed run is still reported, with the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revoke-fail-'));
    const keys = await keygen(dir);
    const w = world();
    w.failing.add('alice:groups:admins');
    const result = await runCli(['user', 'alice', '-r', runbookFile, '--yes', '--report', join(dir, 'r'), '--sign-key', keys.key], fakeRegistry(w));
    expect(result.code).toBe(1);
    const { reports } = reportFiles(join(dir, 'r'));
    const predicate = decodeStatement(readFileSync(reports[0]!, 'utf8')).predicate;
    expect(predicate).toMatchObject({ status: 'failed', exitCode: 1, totals: { failed: 1 } });
    expect(verifyReport(reports[0]!, readFileSync(keys.pub, 'utf8')).valid).toBe(true);
    expect(existsSync(keys.key)).toBe(true);
  });
});
