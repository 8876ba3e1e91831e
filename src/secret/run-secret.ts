import { ExitCode } from '../exit-codes.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { sha256Hex } from '../report/journal.js';
import type { Runbook } from '../runbook/model.js';
import type { RecordedSession } from '../session/recorded-command.js';
import { awsAccessKeys } from './aws-access-keys.js';
import { awsTemporaryCredentials } from './aws-temporary-credentials.js';
import { classify, type ClassifiedSecret } from './classify.js';
import type { LeakedSecret } from './input.js';
import { githubTokens } from './github-tokens.js';
import { postgresPasswords } from './postgres-passwords.js';
import { SecretProviders } from './providers.js';
import type { PlannedSecret, SecretContext, SecretHandler, SecretOptions, SecretOutcome, SecretStatus, TakenAccess } from './plan.js';
import { slackTokens } from './slack-tokens.js';
import { unrecognisedSecrets } from './unrecognised.js';

/** Every secret type's module; each secret goes to the one that lists its type. */
const HANDLERS: SecretHandler[] = [githubTokens, awsAccessKeys, awsTemporaryCredentials, postgresPasswords, slackTokens, unrecognisedSecrets];

export interface SecretInput {
  secrets: LeakedSecret[];
  source: string;
  /** The raw --from input, for its digest in the record (never stored). */
  text: string;
  runbook: Runbook | undefined;
  startedAt: string;
}

/** One secret as the record keeps it: fingerprint and context, never the secret. */
export interface SecretEntry {
  line: number;
  fingerprint: ClassifiedSecret['fingerprint'];
  context: ClassifiedSecret['context'];
  what: string;
  owner?: string;
  provider?: string;
  actions: string[];
  warnings: string[];
  status: SecretStatus;
  detail: string;
}

export interface SecretResult {
  runId: string;
  dryRun: boolean;
  entries: SecretEntry[];
  totals: Record<SecretStatus, number>;
  calls: Record<string, number>;
  actors: SecretProviders['actors'];
  /** What was taken away, per provider identity, in the run report's step shape (for watch). */
  steps: Array<{ id: string; provider: string; providerType: string; user: string; findings: Array<{ kind: string; id: string; outcome: string; detail?: string }> }>;
  interrupted: boolean;
  exitCode: number;
}

export interface SecretRunOptions extends SecretOptions {
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
  /** Asked once, after identification, before the first mutation of a real run. */
  confirm(planned: SecretEntry[]): Promise<boolean>;
}

/**
 * The body of `revoke secret`: classify every secret, identify it (reads only), record the plan,
 * and unless it is a dry run (or the operator says no) revoke through each type's module. The
 * journal holds fingerprints and outcomes, never a secret.
 */
export async function runSecrets(input: SecretInput, registry: ProviderRegistry, session: RecordedSession, options: SecretRunOptions): Promise<SecretResult> {
  const { record, stop } = session;
  const calls: Record<string, number> = {};
  const providers = new SecretProviders(input.runbook, registry, { env: options.env, signal: stop.signal });
  const context: SecretContext = { providers, options, env: options.env, signal: stop.signal, count: (call) => (calls[call] = (calls[call] ?? 0) + 1) };
  record('secret-started', {
    runId: session.runId,
    dryRun: options.dryRun,
    input: { source: input.source, sha256: sha256Hex(input.text), secrets: input.secrets.length },
    ...(input.runbook ? { runbook: runbookRef(input.runbook) } : {}),
  });
  try {
    const classified = input.secrets.map(classify);
    const planned = await planAll(classified, context);
    const plannedEntries = planned.map(({ p }) => entryOf(p, p.settled ?? { status: 'would-revoke', detail: p.actions.join('; ') }));
    record('secret-planned', { secrets: plannedEntries });

    let outcomes = planned.map(({ p }) => p.settled ?? { status: 'would-revoke' as const, detail: p.actions.join('; ') });
    const toRevoke = planned.some(({ p }) => !p.settled);
    let interrupted = stop.requested;
    if (!options.dryRun && toRevoke && !interrupted) {
      const approved = await options.confirm(plannedEntries);
      record('confirmation', { approved });
      interrupted = stop.requested;
      if (approved && !interrupted) outcomes = await revokeAll(planned, context);
      else if (!approved) outcomes = outcomes.map((o) => (o.status === 'would-revoke' ? { status: 'not-revoked', detail: 'not confirmed' } : o));
    }
    const entries = planned.map(({ p }, i) => entryOf(p, outcomes[i]!));
    record('secret-finished', { secrets: entries.map(({ line, fingerprint, status, detail }) => ({ line, fingerprint, status, detail })), calls });
    const totals = totalsOf(entries);
    const exitCode = interrupted ? ExitCode.Interrupted : exitCodeOf(totals);
    const taken = planned.flatMap(({ p }, i) => (outcomes[i]!.status === 'revoked' || outcomes[i]!.status === 'already-gone' ? (p.taken ?? []).map((t) => ({ ...t, outcome: outcomes[i]!.status })) : []));
    return { runId: session.runId, dryRun: options.dryRun, entries, totals, calls, actors: providers.actors, steps: stepsOf(taken), interrupted, exitCode };
  } finally {
    await providers.disconnect();
  }
}

type Planned = { p: PlannedSecret; handler: SecretHandler; sameAs?: number };

/**
 * Each handler plans its own secrets (all at once: GitHub batches, AWS runs a few at a time). A
 * secret found again (scanners report it once per commit and file) is identified and revoked
 * once; its other findings share that outcome.
 */
async function planAll(classified: ClassifiedSecret[], context: SecretContext): Promise<Planned[]> {
  const planned: Planned[] = new Array(classified.length);
  const firstOf = new Map<string, number>();
  classified.forEach((secret, index) => {
    if (!firstOf.has(secret.value)) firstOf.set(secret.value, index);
  });
  await Promise.all(
    HANDLERS.map(async (handler) => {
      const mine = classified.map((secret, index) => ({ secret, index })).filter(({ secret, index }) => handler.types.includes(secret.classified.type) && firstOf.get(secret.value) === index);
      if (mine.length === 0) return;
      const plans = await handler.plan(mine.map((m) => m.secret), context);
      mine.forEach(({ index }, i) => (planned[index] = { p: plans[i]!, handler }));
    }),
  );
  classified.forEach((secret, index) => {
    const first = firstOf.get(secret.value)!;
    if (first !== index) planned[index] = { p: { ...planned[first]!.p, secret, taken: [] }, handler: planned[first]!.handler, sameAs: first };
  });
  return planned;
}

async function revokeAll(planned: Planned[], context: SecretContext): Promise<SecretOutcome[]> {
  const outcomes: SecretOutcome[] = new Array(planned.length);
  await Promise.all(
    HANDLERS.map(async (handler) => {
      const mine = planned.map((entry, index) => ({ ...entry, index })).filter((entry) => entry.handler === handler && entry.sameAs === undefined);
      if (mine.length === 0) return;
      const results = await handler.revoke(mine.map((m) => m.p), context);
      mine.forEach(({ index }, i) => (outcomes[index] = results[i]!));
    }),
  );
  planned.forEach(({ sameAs }, index) => {
    if (sameAs !== undefined) outcomes[index] = { ...outcomes[sameAs]!, detail: `the same secret as input line ${planned[sameAs]!.p.secret.line}: ${outcomes[sameAs]!.detail}` };
  });
  return outcomes;
}

function entryOf(p: PlannedSecret, outcome: SecretOutcome): SecretEntry {
  return {
    line: p.secret.line,
    fingerprint: p.secret.fingerprint,
    context: p.secret.context,
    what: p.what,
    ...(p.owner ? { owner: p.owner } : {}),
    ...(p.provider ? { provider: p.provider } : {}),
    actions: p.actions,
    warnings: p.warnings,
    status: outcome.status,
    detail: outcome.detail,
  };
}

/**
 * As for `revoke user`: 2 when guards refused every secret there was to revoke (protected or
 * revoke's own: nothing ran), 1 when any secret is not revoked, 0 when all are revoked or dead.
 */
function exitCodeOf(totals: Record<SecretStatus, number>): number {
  const done = totals.revoked + totals['already-gone'] + totals['would-revoke'];
  if (totals.refused > 0 && done + totals.failed + totals['not-revoked'] === 0) return ExitCode.InvalidInput;
  return totals.failed + totals.refused + totals['not-revoked'] > 0 ? ExitCode.ActionFailed : ExitCode.Success;
}

const STATUSES: SecretStatus[] = ['revoked', 'already-gone', 'would-revoke', 'failed', 'refused', 'not-revoked'];

function totalsOf(entries: SecretEntry[]): Record<SecretStatus, number> {
  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<SecretStatus, number>;
  for (const entry of entries) totals[entry.status]++;
  return totals;
}

/** Groups what was taken by provider instance and identity: one report "step" each. */
function stepsOf(taken: Array<TakenAccess & { outcome: string }>): SecretResult['steps'] {
  const steps = new Map<string, SecretResult['steps'][number]>();
  for (const t of taken) {
    const key = `${t.provider}\u0000${t.user}`;
    let step = steps.get(key);
    if (!step) {
      step = { id: `secret-${steps.size + 1}`, provider: t.provider, providerType: t.providerType, user: t.user, findings: [] };
      steps.set(key, step);
    }
    if (!step.findings.some((f) => f.kind === t.kind && f.id === t.id)) step.findings.push({ kind: t.kind, id: t.id, outcome: t.outcome, ...(t.detail ? { detail: t.detail } : {}) });
  }
  return [...steps.values()];
}

export const runbookRef = (runbook: Runbook) => ({ name: runbook.name, file: runbook.file, sha256: runbook.sha256 });
