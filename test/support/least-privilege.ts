import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Statement {
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const documentedStatements = (policyText = readFileSync(join(ROOT, 'docs', 'aws-iam-policy.json'), 'utf8')): Statement[] => (JSON.parse(policyText) as { Statement: Statement[] }).Statement;

/** Actions granted by the policy revoke documents (docs/aws-iam-policy.json), conditions aside. */
export function documentedActions(policyText?: string): Set<string> {
  return new Set(documentedStatements(policyText).flatMap((s) => [s.Action].flat()));
}

/**
 * Whether a statement allows the request: it names the action and each of its conditions holds
 * for the condition keys the request carried (the sandbox logs those revoke's policy uses).
 * Only StringEquals is understood; a statement with any other operator grants nothing here, so
 * the check cannot pass through a condition it does not read.
 */
function grants(statement: Statement, action: string, context: Record<string, string>): boolean {
  if (statement.Effect !== 'Allow' || ![statement.Action].flat().includes(action)) return false;
  return Object.entries(statement.Condition ?? {}).every(
    ([operator, keys]) => operator === 'StringEquals' && Object.entries(keys).every(([key, values]) => context[key] !== undefined && [values].flat().includes(context[key])),
  );
}

/**
 * From the IAM sandbox's request log (JSON lines: service, action, userAgent, context), every
 * action that revoke itself sent (its SDK clients add `revoke/<version>` to the user agent;
 * seeding and the tests' own "attacker" calls do not), and those of them the documented policy
 * does not grant, with its conditions. sts:AssumeRole is granted by the role's trust policy and
 * the caller's own policy, not this one.
 */
export function leastPrivilegeReport(logText: string, policyText?: string): { sent: string[]; missing: string[] } {
  const statements = documentedStatements(policyText);
  const sent = new Set<string>();
  const missing = new Set<string>();
  for (const line of logText.split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as { service: string; action: string; userAgent?: string; context?: Record<string, string> };
    if (!/(^|\s)revoke\/\S+/.test(entry.userAgent ?? '')) continue;
    const action = `${entry.service}:${entry.action}`;
    sent.add(action);
    const context = entry.context ?? {};
    if (action === 'sts:AssumeRole' || statements.some((s) => grants(s, action, context))) continue;
    const conditions = Object.entries(context).map(([key, value]) => `${key}=${value}`);
    missing.add(conditions.length > 0 ? `${action} (${conditions.join(', ')})` : action);
  }
  return { sent: [...sent].sort(), missing: [...missing].sort() };
}
