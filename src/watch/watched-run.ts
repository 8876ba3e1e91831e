import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { sha256Hex } from '../report/journal.js';
import { PREDICATE_TYPE, SECRET_PREDICATE_TYPE, type ReportPredicate } from '../report/statement.js';
import { secretWatchPlan } from '../secret/watch-plan.js';
import { verifyReport } from '../report/verify.js';
import { loadRunbook } from '../runbook/load.js';
import { locateRunbook } from '../runbook/locate.js';
import type { Runbook } from '../runbook/model.js';
import { resolveRun, type RunPlan } from '../runbook/resolve.js';
import { findRestores, type KnownRestore } from './restores.js';

/** A verified run report, and what of it there is to watch. */
export interface WatchedRun {
  reportFile: { path: string; sha256: string };
  predicate: ReportPredicate;
  /** The steps of the run that revoked something (or found it already gone). */
  revokedSteps: ReportPredicate['steps'];
  /** The runbook resolved for those steps only: the providers to connect to. */
  plan: RunPlan;
  since: Date;
  until: Date | undefined;
  /** Real restores of this run found next to its report (`revoke restore`), oldest first. */
  restores: KnownRestore[];
}

/** A verified run report, the runbook it names, and whether that runbook changed since. */
export interface OpenedRunReport {
  reportFile: { path: string; sha256: string };
  predicate: ReportPredicate;
  runbook: Runbook;
  runbookPath: string;
  /** The runbook's bytes differ from the ones the run used (only possible with -r). */
  runbookChanged: boolean;
  /** A `revoke secret` report (only when `acceptSecretRuns`): its steps are the run report's shape. */
  isSecretRun: boolean;
}

/**
 * Reads the report of a run and refuses it (exit 2) unless it verifies with `publicKeyPem` (the
 * signature, its journal's sha256 and hash chain) and is a run report; then loads the runbook it
 * names, found by its sha256 (`runbookOverride`: -r). `purpose` words the refusal ("watch", "restore").
 * `acceptSecretRuns`: a `revoke secret` report is accepted too (watch; restore is for runs only).
 */
export async function openRunReport(reportPath: string, publicKeyPem: string, registry: ProviderRegistry, purpose: string, runbookOverride?: string, acceptSecretRuns = false): Promise<OpenedRunReport> {
  const verification = verifyReport(reportPath, publicKeyPem);
  // A `revoke secret` report records what it took away in the run report's step shape.
  const isSecretRun = acceptSecretRuns && verification.statement?.predicateType === SECRET_PREDICATE_TYPE;
  if (!verification.valid || (verification.statement?.predicateType !== PREDICATE_TYPE && !isSecretRun)) {
    const failed = verification.checks.find((c) => !c.ok);
    throw new InvalidInputError(`refusing to ${purpose} ${reportPath}: it does not verify${failed ? ` (${failed.name}: ${failed.detail})` : ' as a run report'}`, 'pass a run report and the public key it was signed with (--key)');
  }
  const predicate = verification.statement!.predicate as ReportPredicate;
  if (isSecretRun && !predicate.runbook) throw new InvalidInputError(`${reportPath} is a secret run without a runbook: nothing it revoked can be watched (GitHub and Slack tokens leave no audit of use revoke can read)`, 'watch the report of a secret run made with -r <runbook>');
  const runbookPath = locateRunbook(predicate.runbook, reportPath, runbookOverride);
  const runbook = await loadRunbook(runbookPath, registry);
  return { reportFile: { path: reportPath, sha256: sha256Hex(readFileSync(reportPath)) }, predicate, runbook, runbookPath, runbookChanged: runbook.sha256 !== predicate.runbook.sha256, isSecretRun };
}

/**
 * Reads the report of a run, refuses it unless it verifies with `publicKeyPem` and its runbook is
 * unchanged, and works out which providers and identities to ask about.
 */
export async function loadWatchedRun(reportPath: string, publicKeyPem: string, registry: ProviderRegistry, window: { since?: string; until?: string; runbook?: string }): Promise<WatchedRun> {
  const { reportFile, predicate, runbook, runbookPath, runbookChanged, isSecretRun } = await openRunReport(reportPath, publicKeyPem, registry, 'watch', window.runbook, true);
  const since = parseDate(window.since, '--since') ?? new Date(predicate.finishedAt ?? predicate.startedAt);
  const until = parseDate(window.until, '--until');
  if (runbookChanged) {
    throw new InvalidInputError(`the runbook ${runbookPath} changed since the report was made`, 'watch with the runbook the run used (-r <runbook>)');
  }
  const revokedSteps = predicate.steps.filter((s) => s.findings.some(wasTaken));
  if (revokedSteps.length === 0) throw new InvalidInputError(`${reportPath} records nothing revoked: nothing to watch`, 'pass the report of a real run');
  const plan = isSecretRun ? secretWatchPlan(runbook, registry, revokedSteps) : resolveRun(runbook, registry, { user: predicate.user, only: revokedSteps.map((s) => s.id) });
  return { reportFile, predicate, revokedSteps, plan, since, until, restores: findRestores(reportPath, reportFile.sha256, publicKeyPem) };
}

/** A finding the run took away (or found already gone): what watch asks about. */
export const wasTaken = (finding: { outcome: string }) => finding.outcome === 'revoked' || finding.outcome === 'already-gone';

function parseDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidInputError(`${flag} ${value} is not a date`, 'use ISO 8601, e.g. 2026-11-28T09:00:00Z');
  return date;
}
