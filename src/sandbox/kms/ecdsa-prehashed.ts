import type { KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist';

/**
 * ECDSA P-256 over a digest someone else computed, as AWS KMS does for MessageType DIGEST.
 * Node's crypto always hashes the message itself, so the KMS stand-in signs with @noble/curves
 * (audited) told not to hash again. Returns a DER signature with low S, as KMS does.
 */
export function signDigest(privateKey: KeyObject, digest: Buffer): Buffer {
  const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  return Buffer.from(p256.sign(digest, secret, { prehash: false, lowS: true }).toDERRawBytes());
}
