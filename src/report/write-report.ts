import { renameSync, writeFileSync } from 'node:fs';
import { IN_TOTO_PAYLOAD_TYPE, pae, type DsseEnvelope } from './dsse.js';
import type { Signer } from './signer.js';

/** Wraps a JSON payload in a DSSE envelope signed over its PAE. */
export async function signPayload(payloadObject: unknown, signer: Signer, payloadType = IN_TOTO_PAYLOAD_TYPE): Promise<DsseEnvelope> {
  const payload = Buffer.from(JSON.stringify(payloadObject), 'utf8');
  const signature = await signer.sign(pae(payloadType, payload));
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: signer.keyid, sig: signature.toString('base64') }] };
}

/** Writes an envelope atomically (a crash leaves the old file or the new one, never half). */
export function writeEnvelope(path: string, envelope: DsseEnvelope): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(envelope, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
