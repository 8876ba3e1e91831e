// The lower bound the benchmarks compare a run with: round trips on the critical path of its step
// graph, counted from the run's own `--json` result. A step's chain starts after its provider's
// connect (the round trips its API forces before the first request about the person: one for
// AWS and GitHub; an OAuth token first for Google and Entra; the person's id before Okta's guard;
// SCRAM for PostgreSQL) and then its containment (its phases, fired right after connect) or its
// discovery (1: every List call in parallel). Then, for each step on a dependency chain and each
// ordering phase inside it, the most round trips one finding of that phase needs.
//
// Until 2026-11-29 14:10 UTC every provider's connect counted 1 (`legacyCriticalPath`): below what
// Google's and Entra's token, Okta's id and PostgreSQL's SCRAM force, so not a lower bound of
// those chains. The benchmark prints both.

/** 2 for a virtual MFA device (deactivate, delete), for deleting an IAM user and for a codespace (stopped, then deleted); 1 otherwise. */
function roundTrips(finding) {
  if (finding.kind === 'mfa-devices' && finding.details?.virtual) return 2;
  if (finding.kind === 'user' && finding.id === 'delete-user') return 2;
  if (finding.kind === 'codespaces') return 2;
  return 1;
}

/**
 * Round trips a provider type's API forces from its first request until the first one about the
 * person can be answered and acted on (its containment or discovery starts the round after):
 * FORCED_ROUND_TRIPS below, without the containment's own round trip.
 */
export const CONNECT_ROUND_TRIPS = {
  'aws-iam': 1, // who am I, with the person read beside it
  github: 1, // who am I, the org and the person's membership together
  'google-workspace': 2, // the OAuth token, then the impersonated admin and the person
  okta: 2, // who am I with the person, then the super-admin check (it needs their id)
  'entra-id': 2, // the token, then /organization with the person and the Global Administrator holders
  postgres: 4, // three of SCRAM, then who am I with the role row
};

/** Round trips on the critical path of the step graph, from the run's own result. */
export function criticalPath(result) {
  const { connect, beforeChain, chain } = criticalPathParts(result);
  return connect + beforeChain + chain;
}

/** The same with every provider's connect counted as one round trip (the bound until 2026-11-29 14:10 UTC). */
export function legacyCriticalPath(result) {
  return criticalPath({ steps: result.steps.map(({ providerType: _type, ...step }) => step) });
}

/**
 * The critical path in its parts: the connect of the provider where the longest chain starts,
 * its containment or discovery before the chain, then the step chain.
 */
export function criticalPathParts(result) {
  const steps = new Map(result.steps.map((s) => [s.id, s]));
  const group = (step) => `${step.provider ?? step.providerType ?? ''}\u0000${step.user ?? ''}`;
  const containmentPhases = new Map();
  for (const step of result.steps) {
    const phases = containmentPhases.get(group(step)) ?? new Set();
    for (const f of step.findings.filter((f) => f.containment)) phases.add(f.phase);
    containmentPhases.set(group(step), phases);
  }
  /** Before a step's own removals: its provider's connect, then its containment or discovery. */
  const before = (step) => ({ connect: CONNECT_ROUND_TRIPS[step.providerType] ?? 1, beforeChain: Math.max(1, containmentPhases.get(group(step)).size) });
  const memo = new Map();
  /** The longest path ending with step `id`: where it starts, and the round trips of the chain after that. */
  const cost = (id) => {
    if (memo.has(id)) return memo.get(id);
    const step = steps.get(id);
    const phases = new Map();
    for (const f of step.findings.filter((f) => !f.containment)) phases.set(f.phase, Math.max(phases.get(f.phase) ?? 0, roundTrips(f)));
    const own = [...phases.values()].reduce((a, b) => a + b, 0);
    const start = before(step);
    let best = { ...start, chain: 0 };
    for (const dep of step.dependsOn.map(cost)) if (total(dep) > total(best)) best = dep;
    const path = { ...best, chain: best.chain + own };
    memo.set(id, path);
    return path;
  };
  const total = (p) => p.connect + p.beforeChain + p.chain;
  return result.steps.map((s) => cost(s.id)).reduce((a, b) => (total(b) > total(a) ? b : a));
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
