import { InvalidInputError } from '../errors.js';
import type { RunRecord } from '../engine/record.js';
import { PLAN_PAYLOAD_TYPE } from '../report/dsse.js';
import type { Signer } from '../report/signer.js';
import { verifyEnvelope } from '../report/verify.js';
import { signPayload, writeEnvelope } from '../report/write-report.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import type { PlanBinding } from './binding.js';

export { PLAN_PAYLOAD_TYPE };

export interface PlannedFinding {
  id: string;
  kind: string;
  label: string;
  fingerprint?: string;
}

/**
 * What a reviewer approves: the runbook, the person, every finding a real run would revoke, and
 * (PlanBinding) where it was made (actors), each step's user and until when it may be applied.
 */
export interface SavedPlan extends PlanBinding {
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

export function planFromRecord(record: RunRecord, sets: string[], only: string[], ttlMs: number, now = new Date()): SavedPlan {
  return {
    planVersion: 1,
    tool: { name: TOOL_NAME, version: toolVersion() },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    actors: record.actors.map(({ provider, providerType, actor }) => ({ provider, providerType, actor })),
    runbook: record.runbook,
    user: record.user,
    sets,
    only,
    steps: record.steps.map((s) => ({ id: s.id, provider: s.provider, providerType: s.providerType, user: s.user, findings: s.findings.map(({ id, kind, label, fingerprint }) => ({ id, kind, label, ...(fingerprint ? { fingerprint } : {}) })) })),
  };
}

export async function writePlan(path: string, plan: SavedPlan, signer: Signer): Promise<void> {
  const envelope = await signPayload(plan, signer, PLAN_PAYLOAD_TYPE);
  try {
    writeEnvelope(path, envelope);
  } catch (error) {
    throw new InvalidInputError(`cannot write the plan to ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'pass --plan-out a file in an existing folder you can write to');
  }
}

/** Reads a plan and checks its signature against `publicKeyPem` (verifyEnvelope); any doubt is bad input (exit 2). */
export function readPlan(path: string, publicKeyPem: string): SavedPlan {
  const verification = verifyEnvelope(path, publicKeyPem, PLAN_PAYLOAD_TYPE);
  if (!verification.payload) {
    const failed = verification.checks.find((c) => !c.ok)!;
    if (failed.name === 'envelope') throw new InvalidInputError(`${path} is not a revoke plan (${failed.detail})`, 'pass a file written by revoke user ... --dry-run --plan-out <file>');
    if (failed.name === 'public key') throw new InvalidInputError(`cannot check the plan ${path}: the public key is ${failed.detail}`, 'pass --key with the public key (.pub.pem) of whoever made the plan');
    throw new InvalidInputError(
      `the plan ${path} is not signed by the expected key, or was changed after it was signed; nothing was done (${failed.name}: ${failed.detail})`,
      'make a new plan, or pass --key with the public key of whoever made it',
    );
  }
  let plan: SavedPlan;
  try {
    plan = JSON.parse(verification.payload.toString('utf8')) as SavedPlan;
  } catch {
    throw new InvalidInputError(`the plan ${path} is signed but its payload is not JSON`, 'make a new plan');
  }
  if (plan?.planVersion !== 1 || !Array.isArray(plan.steps)) throw new InvalidInputError(`the plan ${path} is not a version 1 revoke plan`, 'make a new plan with this version of revoke');
  if (typeof plan.expiresAt !== 'string' || !Array.isArray(plan.actors)) {
    throw new InvalidInputError(`the plan ${path} does not record where it was made or until when it is valid (an older revoke made it); nothing was done`, 'make a new plan (revoke user ... --dry-run --plan-out <file>)');
  }
  return plan;
}
