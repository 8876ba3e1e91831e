import type { ProviderKind } from './define.js';

/**
 * Removes a drill's canary with the provider's own revoke kinds, as a delete-mode run would:
 * discover each kind, then revoke phase by phase (credentials before what blocks a delete, the
 * identity last). Returns the labels of what it removed; throws what a kind throws.
 */
export async function removeWithKinds<Context, Request>(kinds: Array<ProviderKind<Context, Request>>, context: Context, request: Request): Promise<string[]> {
  const found = await Promise.all(kinds.map(async (kind) => ({ kind, result: await kind.discover(context, request) })));
  const findings = found.flatMap(({ kind, result }) => (Array.isArray(result) ? result : (result.findings ?? [])).map((finding) => ({ kind, finding })));
  const removed: string[] = [];
  for (const phase of [...new Set(findings.map((f) => f.finding.phase))].sort((a, b) => a - b)) {
    await Promise.all(
      findings
        .filter((f) => f.finding.phase === phase)
        .map(async ({ kind, finding }) => {
          if ((await kind.revoke(context, finding, request)).status === 'revoked') removed.push(finding.label);
        }),
    );
  }
  return removed;
}
