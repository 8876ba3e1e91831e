import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { IN_TOTO_PAYLOAD_TYPE, pae, type DsseEnvelope } from './dsse.js';
import type { Signer } from './signer.js';

/** Wraps a JSON payload in a DSSE envelope signed over its PAE. */
export async function signPayload(payloadObject: unknown, signer: Signer, payloadType = IN_TOTO_PAYLOAD_TYPE): Promise<DsseEnvelope> {
  const payload = Buffer.from(JSON.stringify(payloadObject), 'utf8');
  const signature = await signer.sign(pae(payloadType, payload));
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: signer.keyid, sig: signature.toString('base64') }] };
}

/**
 * Writes an envelope atomically (a crash leaves the old file or the new one, never half). The
 * temporary file has a random name and is created exclusively (O_EXCL), so a file or symlink
 * planted next to the report cannot redirect the write.
 */
export function writeEnvelope(path: string, envelope: DsseEnvelope): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(12).toString('hex')}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(envelope, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
