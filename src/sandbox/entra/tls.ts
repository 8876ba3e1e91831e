import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCertificate {
  /** PEM private key (PKCS#8). */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** Base64url SHA-1 and SHA-256 thumbprints of the certificate (x5t, x5t#S256). */
  thumbprints: string[];
}

/**
 * A throwaway self-signed certificate made with the openssl CLI (Node cannot issue X.509
 * certificates). The Microsoft identity platform client (MSAL) accepts only https authorities, so
 * the sandbox serves TLS with one of these; the same call makes client certificates for tests.
 */
export function selfSignedCertificate(subject: string, options: { rsa?: boolean; ipSan?: string } = {}): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-entra-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const algorithm = options.rsa ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    const san = options.ipSan ? ['-addext', `subjectAltName=IP:${options.ipSan},DNS:localhost`] : [];
    try {
      execFileSync('openssl', ['req', '-x509', ...algorithm, '-nodes', '-keyout', key, '-out', cert, '-subj', `/CN=${subject}`, '-days', '2', ...san], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`the Entra sandbox needs the openssl command to make its TLS certificate: ${(error as Error).message.split('\n')[0]}`);
    }
    const pem = readFileSync(cert, 'utf8');
    const der = new X509Certificate(pem).raw;
    return {
      key: readFileSync(key, 'utf8'),
      cert: pem,
      thumbprints: ['sha1', 'sha256'].map((hash) => createHash(hash).update(der).digest('base64url')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
