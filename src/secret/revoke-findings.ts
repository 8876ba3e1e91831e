import { errorMessage } from '../errors.js';
import type { Finding } from '../providers/types.js';
import type { PlannedProvider } from '../runbook/resolve.js';
import type { SecretContext, SecretOutcome, TakenAccess } from './plan.js';

/** What a provider-backed secret revokes: findings of one identity on one provider instance. */
export interface ProviderTarget {
  instance: PlannedProvider;
  /** The identity the findings belong to (IAM user, role name, PostgreSQL role). */
  user: string;
  mode: string;
  options: Record<string, unknown>;
  findings: Finding[];
}

/**
 * Revokes a secret's findings through the provider's own kind modules, lowest phase first (a
 * session cutoff before the key, the password before the sessions), as one outcome for the secret.
 */
export async function revokeFindings(target: ProviderTarget, context: SecretContext): Promise<SecretOutcome> {
  const provider = context.providers.provider(target.instance.type);
  const { client } = await context.providers.connect(target.instance);
  const details: string[] = [];
  let revoked = false;
  for (const finding of [...target.findings].sort((a, b) => a.phase - b.phase)) {
    context.count(`${target.instance.type}:revoke ${finding.kind}`);
    try {
      const outcome = await provider.revoke(client, finding, { user: target.user, mode: target.mode, options: target.options, signal: context.signal });
      if (outcome.status === 'revoked') revoked = true;
      details.push(`${finding.label}: ${outcome.status === 'skipped' ? `skipped (${outcome.reason})` : (outcome.detail ?? outcome.status)}`);
    } catch (error) {
      return { status: 'failed', detail: [...details, `${finding.label}: ${errorMessage(error)}`].join('; ') };
    }
  }
  return { status: revoked ? 'revoked' : 'already-gone', detail: details.join('; ') };
}

/** What the target took away, in the run report's terms, for `revoke watch`. */
export const takenOf = (target: ProviderTarget, detail?: (finding: Finding) => string | undefined): TakenAccess[] =>
  target.findings.map((f) => {
    const said = detail?.(f);
    return { provider: target.instance.name, providerType: target.instance.type, user: target.user, kind: f.kind, id: f.id, ...(said ? { detail: said } : {}) };
  });
