import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKmsSandbox, type KmsSandbox } from '../../src/sandbox/kms/server.js';
import { loadSigner } from '../../src/report/signer.js';
import { verifyReport } from '../../src/report/verify.js';
import { runCli, writeTemp } from '../support/cli.js';
import { fakeWorld } from '../support/fake-provider.js';
import { reportFiles } from '../support/reports.js';
import { fakeRegistry, validRunbook } from '../support/runbooks.js';

let kms: KmsSandbox | undefined;
afterEach(async () => kms?.close());

const kmsEnv = (endpoint: string): NodeJS.ProcessEnv => ({
  AWS_ENDPOINT_URL_KMS: endpoint,
  AWS_ACCESS_KEY_ID: 'AKIAKMSSTANDIN000001',
  AWS_SECRET_ACCESS_KEY: 'kms-stand-in-secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
});

describe('KMS signing (the real KMS SDK over HTTP to a local stand-in)', () => {
  it('signs the report with an ECC_NIST_P256 KMS key, sending only the digest', async () => {
    kms = await startKmsSandbox();
    kms.createSigningKey('alias/revoke-reports');
    const dir = mkdtempSync(join(tmpdir(), 'revoke-kms-'));
    const runbook = writeTemp('rb.yaml', validRunbook);
    const result = await runCli(['user', 'alice', '-r', runbook, '--yes', '--report', join(dir, 'r'), '--sign-key', 'kms:alias/revoke-reports'], fakeRegistry(fakeWorld({ alice: { tokens: ['t1'] } })), { env: kmsEnv(kms.endpoint) });
    expect(result.code).toBe(0);
    expect(kms.requests.map((r) => [r.target, r.messageType])).toEqual([
      ['TrentService.GetPublicKey', undefined],
      ['TrentService.Sign', 'DIGEST'],
    ]);
    const signer = await loadSigner({ signKey: 'kms:alias/revoke-reports', env: kmsEnv(kms.endpoint) });
    writeFileSync(join(dir, 'kms.pub'), signer.publicKeyPem);
    const { reports } = reportFiles(join(dir, 'r'));
    const verification = verifyReport(reports[0]!, readFileSync(join(dir, 'kms.pub'), 'utf8'));
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain('kms-stand-in-secret');
  });

  it('an unknown KMS key is bad input: exit 2 before anything runs', async () => {
    kms = await startKmsSandbox();
    const world = fakeWorld({ alice: { tokens: ['t1'] } });
    const result = await runCli(['user', 'alice', '-r', writeTemp('rb.yaml', validRunbook), '--yes', '--sign-key', 'kms:alias/missing'], fakeRegistry(world), { env: kmsEnv(kms.endpoint) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: cannot use KMS key alias/missing: NotFoundException');
    expect(world.calls).toEqual([]);
  });
});
