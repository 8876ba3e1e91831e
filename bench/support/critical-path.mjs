// The lower bound the benchmarks compare a run with: round trips on the critical path of its step
// graph, counted from the run's own `--json` result. Connect (1) + discovery (1: every List call
// of every step in parallel), then for each step on the longest dependency chain and each
// ordering phase inside it, the most round trips one finding of that phase needs. Containment
// findings (contain first) go out right after connect, alongside discovery: they count once, as
// their own phases, in parallel with discovery's round trip, not on the step chain.

/** 2 for a virtual MFA device (deactivate, delete), for deleting an IAM user and for a codespace (stopped, then deleted); 1 otherwise. */
function roundTrips(finding) {
  if (finding.kind === 'mfa-devices' && finding.details?.virtual) return 2;
  if (finding.kind === 'user' && finding.id === 'delete-user') return 2;
  if (finding.kind === 'codespaces') return 2;
  return 1;
}

/** Round trips on the critical path of the step graph, from the run's own result. */
export function criticalPath(result) {
  const { connect, beforeChain, chain } = criticalPathParts(result);
  return connect + beforeChain + chain;
}

/** The critical path in its parts: connect, then containment and discovery until the plan is complete, then the step chain. */
export function criticalPathParts(result) {
  const steps = new Map(result.steps.map((s) => [s.id, s]));
  const memo = new Map();
  const cost = (id) => {
    if (memo.has(id)) return memo.get(id);
    const step = steps.get(id);
    const phases = new Map();
    for (const f of step.findings.filter((f) => !f.containment)) phases.set(f.phase, Math.max(phases.get(f.phase) ?? 0, roundTrips(f)));
    const own = [...phases.values()].reduce((a, b) => a + b, 0);
    const total = own + Math.max(0, ...step.dependsOn.map(cost));
    memo.set(id, total);
    return total;
  };
  const containment = Math.max(0, ...result.steps.map((s) => new Set(s.findings.filter((f) => f.containment).map((f) => f.phase)).size));
  return { connect: 1, beforeChain: Math.max(1, containment), chain: Math.max(...result.steps.map((s) => cost(s.id))) };
}

/**
 * The round trips each credential's system forces before its kill can be sent, counted from that
 * system's first request, with the guards kept (every refusal comes before any change): the
 * floor no ordering of revoke's own work can go below. A second yardstick beside issue 18's
 * "start-up + 2 round trips", which is below these for all but AWS and GitHub.
 */
export const FORCED_ROUND_TRIPS = [
  [/^aws /, 2, 'who am I with the person read, then the deny-all'],
  [/^github /, 2, 'connect with the membership and SSO authorizations read, then their removal'],
  [/^google session cookie/, 3, 'the token first, then the guard reads, then the sign-out'],
  [/^google /, 4, 'token, guard reads, sign-out with the backup codes (Google refuses them once suspended), then the suspension'],
  [/^okta /, 3, 'who am I with the person, the super-admin check (needs their id), then the clear and suspension'],
  [/^entra /, 3, 'the token, /organization with the person and the Global Administrator holders (no id needed), then the block'],
  [/^postgres /, 5, 'three of SCRAM, who am I with the role row, then NOLOGIN'],
];

/** The forced round trips of a credential (by its probe's name). */
export function forcedRoundTrips(credential) {
  return FORCED_ROUND_TRIPS.find(([pattern]) => pattern.test(credential))?.[1];
}
