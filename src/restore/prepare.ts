import { InvalidInputError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { resolveRun, type RunPlan } from '../runbook/resolve.js';
import { didYouMean } from '../suggest.js';
import { openRunReport, type OpenedRunReport } from '../watch/watched-run.js';
import { restoreSteps, stepConflict, wasRevoked, type RestoreStep } from './restore-plan.js';

export interface PreparedRestore {
  opened: OpenedRunReport;
  steps: RestoreStep[];
  /** The providers to connect to: those of the steps that are not conflicts already. */
  connectPlan: RunPlan;
}

/**
 * Everything a restore needs before it connects: the run report, verified (exit 2 otherwise), the
 * runbook it names (found by sha256; with -r a changed runbook is used, and steps are matched by id),
 * and the steps of the run that revoked something, narrowed by --only.
 */
export async function prepareRestore(reportPath: string, publicKeyPem: string, registry: ProviderRegistry, options: { runbook?: string; only: string[] }): Promise<PreparedRestore> {
  const opened = await openRunReport(reportPath, publicKeyPem, registry, 'restore from', options.runbook);
  const { predicate, runbook, runbookPath, runbookChanged } = opened;
  if (runbookChanged && options.runbook === undefined) {
    throw new InvalidInputError(`the runbook ${runbookPath} changed since the report was made`, 'pass the runbook to restore with, -r <runbook> (steps are matched by id)');
  }
  if (predicate.dryRun) throw new InvalidInputError(`${reportPath} is the report of a dry run: it changed nothing, so there is nothing to restore`, 'pass the report of a real run');
  const ids = predicate.steps.map((s) => s.id);
  for (const id of options.only) {
    if (!ids.includes(id)) throw new InvalidInputError(`--only ${id}: the report has no step ${id}`, didYouMean(id, ids));
  }
  if (!predicate.steps.some((s) => s.findings.some(wasRevoked))) throw new InvalidInputError(`${reportPath} records nothing revoked: nothing to restore`, 'pass the report of a run that revoked something');

  const candidates = predicate.steps.filter((s) => s.findings.some(wasRevoked) && (options.only.length === 0 || options.only.includes(s.id)));
  const connectable = candidates.filter((s) => !stepConflict(s, runbook)).map((s) => s.id);
  const connectPlan: RunPlan =
    connectable.length > 0 ? resolveRun(runbook, registry, { user: predicate.user, only: connectable }) : { runbook, user: predicate.user, vars: {}, providers: [], steps: [], warnings: [] };
  const resolved = new Map(connectPlan.steps.map((s) => [s.id, { options: s.options }]));
  return { opened, steps: restoreSteps(predicate, runbook, { only: options.only, resolved }), connectPlan };
}
