import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import type { RunRecord } from '../engine/record.js';
import type { DsseEnvelope } from '../report/dsse.js';
import { pae } from '../report/dsse.js';
import { algorithmOf, keyIdOf, type Signer } from '../report/signer.js';
import { signPayload, writeEnvelope } from '../report/write-report.js';
import { TOOL_NAME, toolVersion } from '../version.js';

export const PLAN_PAYLOAD_TYPE = 'application/vnd.revoke.plan+json';

export interface PlannedFinding {
  id: string;
  kind: string;
  label: string;
}

/** What a reviewer approves: the runbook, the person, and every finding a real run would revoke. */
export interface SavedPlan {
  planVersion: 1;
  tool: { name: string; version: string };
  createdAt: string;
  runbook: { name: string; file: string; sha256: string };
  user: string;
  sets: string[];
  only: string[];
  steps: Array<{ id: string; provider: string; providerType: string; user: string; findings: PlannedFinding[] }>;
}

export { findingKey } from '../providers/types.js';

export function planFromRecord(record: RunRecord, sets: string[], only: string[]): SavedPlan {
  return {
    planVersion: 1,
    tool: { name: TOOL_NAME, version: toolVersion() },
    createdAt: new Date().toISOString(),
    runbook: record.runbook,
    user: record.user,
    sets,
    only,
    steps: record.steps.map((s) => ({ id: s.id, provider: s.provider, providerType: s.providerType, user: s.user, findings: s.findings.map(({ id, kind, label }) => ({ id, kind, label })) })),
  };
}

export async function writePlan(path: string, plan: SavedPlan, signer: Signer): Promise<void> {
  writeEnvelope(path, await signPayload(plan, signer, PLAN_PAYLOAD_TYPE));
}

/** Reads a plan and checks its signature against `publicKeyPem`; any doubt is bad input (exit 2). */
export function readPlan(path: string, publicKeyPem: string): SavedPlan {
  let envelope: DsseEnvelope;
  try {
    envelope = JSON.parse(readFileSync(path, 'utf8')) as DsseEnvelope;
  } catch {
    throw new InvalidInputError(`${path} is not a plan file`, 'pass a file written by revoke user ... --dry-run --plan-out <file>');
  }
  if (envelope.payloadType !== PLAN_PAYLOAD_TYPE || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) {
    throw new InvalidInputError(`${path} is not a revoke plan (payloadType ${String(envelope.payloadType)})`);
  }
  const key = createPublicKey(publicKeyPem);
  const algorithm = algorithmOf(key);
  const payload = Buffer.from(envelope.payload, 'base64');
  const message = pae(PLAN_PAYLOAD_TYPE, payload);
  const ok =
    payload.toString('base64') === envelope.payload &&
    envelope.signatures.some((s) => {
      if (s.keyid !== keyIdOf(key) || typeof s.sig !== 'string') return false;
      const sig = Buffer.from(s.sig, 'base64');
      try {
        return algorithm === 'ed25519' ? verify(null, message, key, sig) : verify('sha256', message, { key, dsaEncoding: 'der' }, sig);
      } catch {
        return false;
      }
    });
  if (!ok) {
    throw new InvalidInputError(`the plan ${path} is not signed by the expected key, or was changed after it was signed; nothing was done`, 'make a new plan, or pass --key with the public key of whoever made it');
  }
  return JSON.parse(payload.toString('utf8')) as SavedPlan;
}
