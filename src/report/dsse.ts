/** DSSE (Dead Simple Signing Envelope) v1: https://github.com/secure-systems-lab/dsse */

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** A saved plan (revoke user --plan-out): DSSE over the plan JSON itself, not an in-toto statement. */
export const PLAN_PAYLOAD_TYPE = 'application/vnd.revoke.plan+json';

export interface DsseEnvelope {
  payloadType: string;
  /** Standard, padded base64 of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/** Pre-Authentication Encoding: what is actually signed. Lengths are byte lengths. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}
