import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let pair: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

/**
 * A 2048-bit RSA key pair for a test's GitHub App, Okta service app or workload identity.
 * Generating one costs 0.2 s of CPU on average and over a second at worst; tests that need
 * "the app's key" don't need a new one each, so the first test file of a run makes it and the
 * others read it from the run's temporary root. Two files racing both write a valid key.
 */
export function testRsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  if (pair) return pair;
  const file = join(tmpdir(), 'revoke-test-rsa-key.pem');
  let pem = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!pem) {
    pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(`${file}.${process.pid}`, pem, { mode: 0o600 });
    renameSync(`${file}.${process.pid}`, file);
  }
  const privateKey = createPrivateKey(pem);
  pair = { privateKey, publicKey: createPublicKey(privateKey) };
  return pair;
}
