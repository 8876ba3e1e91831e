import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Actions granted by the policy revoke documents (docs/aws-iam-policy.json). */
export function documentedActions(policyText = readFileSync(join(ROOT, 'docs', 'aws-iam-policy.json'), 'utf8')): Set<string> {
  const policy = JSON.parse(policyText) as { Statement: Array<{ Action: string | string[] }> };
  return new Set(policy.Statement.flatMap((s) => [s.Action].flat()));
}

/**
 * From the IAM sandbox's request log (JSON lines: service, action, userAgent), every action that
 * revoke itself sent (its SDK clients add `revoke/<version>` to the user agent; seeding and the
 * tests' own "attacker" calls do not), and those of them the documented policy does not grant.
 * sts:AssumeRole is granted by the role's trust policy and the caller's own policy, not this one.
 */
export function leastPrivilegeReport(logText: string, documented = documentedActions()): { sent: string[]; missing: string[] } {
  const sent = new Set<string>();
  for (const line of logText.split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as { service: string; action: string; userAgent?: string };
    if (!/(^|\s)revoke\/\S+/.test(entry.userAgent ?? '')) continue;
    sent.add(`${entry.service}:${entry.action}`);
  }
  const missing = [...sent].filter((action) => !documented.has(action) && action !== 'sts:AssumeRole').sort();
  return { sent: [...sent].sort(), missing };
}
