import { createHash } from 'node:crypto';

/**
 * What may be said about a secret anywhere (output, journal, report, errors): its type, its last
 * four characters and a prefix of its SHA-256, enough to match it to the scanner's finding and to
 * a rotation ticket, never enough to use it.
 */
export interface Fingerprint {
  type: string;
  last4: string;
  sha256: string;
}

/** 12 hex digits: 48 bits, enough to tell a thousand secrets of one report apart. */
const SHA256_PREFIX = 12;

export function fingerprintOf(type: string, secret: string, last4Of = secret): Fingerprint {
  return { type, last4: last4Of.slice(-4), sha256: createHash('sha256').update(secret).digest('hex').slice(0, SHA256_PREFIX) };
}

/** "github-classic-pat …a1b2 sha256:0123456789ab" */
export function fingerprintText(fingerprint: Fingerprint): string {
  return `${fingerprint.type} …${fingerprint.last4} sha256:${fingerprint.sha256}`;
}
