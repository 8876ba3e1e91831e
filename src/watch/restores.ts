import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verifyReport } from '../report/verify.js';
import { RESTORE_PREDICATE_TYPE, type RestorePredicate } from '../restore/predicate.js';

/** A real (not dry-run) restore of the watched run, verified with the same key. */
export interface KnownRestore {
  report: string;
  finishedAt: Date;
  /** Step ids whose findings it restored (or re-invited): those identities may be used again from then on. */
  steps: Set<string>;
  /** `step\0kind\0id` of every finding it restored: watch no longer asks about those. */
  findings: Set<string>;
}

export const restoredKey = (step: string, kind: string, id: string) => `${step}\u0000${kind}\u0000${id}`;

const GAVE_BACK = new Set(['restored', 'invited', 'already-restored']);

/**
 * The signed restore reports in the watched report's folder (where `revoke restore` writes them by
 * default) that name the watched report by its sha256 and verify with the same key. A file that
 * is not one, or does not verify, is ignored: it cannot excuse anything.
 */
export function findRestores(reportPath: string, reportSha256: string, publicKeyPem: string): KnownRestore[] {
  const dir = dirname(reportPath);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.intoto.json'));
  } catch {
    return [];
  }
  const restores: KnownRestore[] = [];
  for (const name of names) {
    const predicate = restoreOf(join(dir, name));
    if (!predicate || predicate.dryRun || predicate.restored?.sha256 !== reportSha256) continue;
    const verification = verifyReport(join(dir, name), publicKeyPem);
    if (!verification.valid) continue;
    const signed = verification.statement!.predicate as unknown as RestorePredicate;
    const steps = new Set<string>();
    const findings = new Set<string>();
    for (const step of signed.steps) {
      for (const finding of step.findings.filter((f) => GAVE_BACK.has(f.outcome))) {
        steps.add(step.id);
        findings.add(restoredKey(step.id, finding.kind, finding.id));
      }
    }
    if (steps.size > 0) restores.push({ report: name, finishedAt: new Date(signed.finishedAt), steps, findings });
  }
  return restores.sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
}

/** A cheap look at a file's claimed predicate, before the signature is checked. */
function restoreOf(path: string): RestorePredicate | undefined {
  try {
    const envelope = JSON.parse(readFileSync(path, 'utf8')) as { payload?: string };
    const statement = JSON.parse(Buffer.from(envelope.payload ?? '', 'base64').toString('utf8')) as { predicateType?: string; predicate?: RestorePredicate };
    return statement.predicateType === RESTORE_PREDICATE_TYPE ? statement.predicate : undefined;
  } catch {
    return undefined;
  }
}
