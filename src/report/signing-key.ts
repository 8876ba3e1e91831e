import { createHash, type KeyObject } from 'node:crypto';

// The signer's shape and key identity, apart from signer.ts so that the KMS signer (loaded lazily
// by signer.ts) can use them without importing signer.ts back.

export type SigningAlgorithm = 'ecdsa-p256-sha256' | 'ed25519';

/** Signs DSSE pre-authentication encodings. Never exposes the private key. */
export interface Signer {
  algorithm: SigningAlgorithm;
  /** sha256 of the public key's SPKI DER, hex. */
  keyid: string;
  publicKeyPem: string;
  /** Where the key came from, for messages: "file ci.key", "REVOKE_SIGNING_KEY", "kms:alias/x". */
  source: string;
  sign(data: Buffer): Promise<Buffer>;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256-sha256';
  return undefined;
}
