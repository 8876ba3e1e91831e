import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createStyle } from '../output/style.js';
import { PLAN_PAYLOAD_TYPE, readPlan } from '../plan/plan-file.js';
import { verifyReport } from '../report/verify.js';
import { writeLine, type CliIO } from './io.js';

export async function verifyCommand(report: string, options: { key: string; journalDir?: string; color: boolean }, io: CliIO): Promise<number> {
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(options.key, 'utf8');
  } catch {
    throw new InvalidInputError(`cannot read public key ${options.key}`, 'pass the .pub file made by `revoke keygen` (or the public key of your signing key)');
  }
  try {
    readFileSync(report);
  } catch {
    throw new InvalidInputError(`cannot read report ${report}`, 'pass a .intoto.json file written by revoke');
  }
  const style = createStyle({ stream: io.stdout, env: io.env, colorFlag: options.color });
  if (payloadTypeOf(report) === PLAN_PAYLOAD_TYPE) {
    // A saved plan has no journal: its signature and what it records are the whole check.
    let plan;
    try {
      plan = readPlan(report, publicKeyPem);
    } catch (error) {
      writeLine(io.stdout, `${style.red('✗')} signature: ${(error as Error).message}`);
      writeLine(io.stdout, style.red('INVALID: do not trust this plan'));
      return ExitCode.ActionFailed;
    }
    const findings = plan.steps.reduce((n, step) => n + step.findings.length, 0);
    writeLine(io.stdout, `${style.green('✓')} signature: plan signed by this key`);
    writeLine(io.stdout, `valid: plan for ${plan.user} (runbook ${plan.runbook.name}, ${findings} findings, expires ${plan.expiresAt})`);
    return ExitCode.Success;
  }
  const result = verifyReport(report, publicKeyPem, options.journalDir);
  for (const check of result.checks) writeLine(io.stdout, `${check.ok ? style.green('✓') : style.red('✗')} ${check.name}: ${check.detail}`);
  const p = result.statement?.predicate;
  if (result.valid && p) {
    writeLine(io.stdout, `valid: run ${p.runId} for ${p.user} (${p.dryRun ? 'dry run' : 'real run'}, ${p.status}${p.complete ? '' : ', incomplete'})`);
    return ExitCode.Success;
  }
  writeLine(io.stdout, style.red('INVALID: do not trust this report'));
  return ExitCode.ActionFailed;
}

function payloadTypeOf(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { payloadType?: unknown }).payloadType;
  } catch {
    return undefined;
  }
}
