import { refuseExpiredPlan } from '../plan/binding.js';
import { findingKey, readPlan } from '../plan/plan-file.js';
import { loadSigner } from '../report/signer.js';
import { locateRunbook } from '../runbook/locate.js';
import { readPublicKeyFile } from '../report/verify.js';
import type { CliIO } from './io.js';
import { userCommand, type UserOptions } from './user-command.js';

export interface ApplyOptions {
  key?: string;
  allowDrift?: boolean;
  yes?: boolean;
  json?: boolean;
  concurrency: number;
  report: string;
  signKey?: string;
  /** -r: the runbook, when it is not where the plan says (found by its sha256 next to the plan otherwise). */
  runbook?: string;
  color: boolean;
}

/**
 * Applies exactly a saved plan: checks its signature, re-discovers, and revokes only the planned
 * findings; if the world changed it refuses with a diff, unless --allow-drift.
 */
export async function applyCommand(planPath: string, options: ApplyOptions, io: CliIO): Promise<number> {
  // Without --key, the plan must be signed by the key this run signs with (same operator or CI secret).
  const publicKeyPem = options.key
    ? readPublicKeyFile(options.key, 'whoever made the plan')
    : (await loadSigner({ ...(options.signKey !== undefined ? { signKey: options.signKey } : {}), env: io.env })).publicKeyPem;
  const plan = readPlan(planPath, publicKeyPem);
  refuseExpiredPlan(plan, planPath);
  const approved = new Map(plan.steps.map((s) => [s.id, new Map(s.findings.map((f) => [findingKey(f), f.label]))]));
  const userOptions: UserOptions = {
    runbook: locateRunbook(plan.runbook, planPath, options.runbook),
    set: plan.sets,
    only: plan.only,
    concurrency: options.concurrency,
    color: options.color,
    report: options.report,
    ...(options.yes ? { yes: true } : {}),
    ...(options.json ? { json: true } : {}),
    ...(options.signKey !== undefined ? { signKey: options.signKey } : {}),
  };
  return userCommand(plan.user, userOptions, io, { approved, allowDrift: Boolean(options.allowDrift), runbookSha256: plan.runbook.sha256, planPath, binding: plan });
}
