import type { Discovery, DiscoverRequest, Finding, Provider, RevokeKind, RevokeOutcome, RevokeRequest, WatchRequest } from './types.js';
import type { RestoreOutcome, RestorePlan, RestoreRequest } from './types.js';
import { isRefusal } from '../errors.js';
import { countingRetries } from './retry-count.js';

/**
 * What one kind module's discovery returns: findings, or why this kind could not be looked at, or
 * findings plus what it saw but leaves alone and why (e.g. memberships managed elsewhere).
 */
export type KindDiscovery = Finding[] | { skipped: string; findings?: Finding[] };

/**
 * One revoke kind of a provider, in its own module: metadata, discovery (reads only, through the
 * read-only client) and revocation. `Context` is the provider's connected client, `Request` the
 * provider's typed view of a step (user, mode, options).
 */
export interface ProviderKind<Context, Request> extends RevokeKind {
  /**
   * Its discovery may refuse the run (throws an InvalidInputError: the last owner, a Global
   * Administrator). Every kind that can must say so: the step tells the engine its guards passed
   * (`DiscoverRequest.guardsPassed`) once `beforeDiscover` and these kinds have answered. A
   * function answers for one step (e.g. only without `reassignTo`).
   */
  mayRefuse?: boolean | ((context: Context, request: Request) => boolean);
  discover(context: Context, request: Request): Promise<KindDiscovery>;
  revoke(context: Context, finding: Finding, request: Request): Promise<RevokeOutcome>;

  // --- `revoke restore` (issue 19) ---
  /** Read-only (gets the read-only client): what undoing `finding` would do now; see Provider.planRestore. */
  planRestore?(context: Context, finding: Finding, request: Request, flags: RestoreFlags): Promise<RestorePlan>;
  /** Undoes `finding` (only called after planRestore said 'restore'). */
  restore?(context: Context, finding: Finding, request: Request, flags: RestoreFlags): Promise<RestoreOutcome>;
  /** For a kind without restore: why revoking it cannot be undone, and what to do instead (an exact command). */
  notRestorable?(finding: Finding, request: Request): { reason: string; instead?: string; identityRemoved?: boolean };
}

/** The restore-wide switches a kind may need (--also-sessions-policy). */
export type RestoreFlags = Pick<RestoreRequest, 'undoSessionCutoffs'>;

/** The step as every provider receives it, before the provider types it. */
export type StepRequest = Pick<DiscoverRequest, 'user' | 'mode' | 'options' | 'recentMs'>;

/** The part of a provider that is not glue: everything `Provider` has except discover/revoke/kinds. */
type ProviderBase<Config, Context> = Omit<Provider<Config, Context>, 'discover' | 'revoke' | 'kinds'>;

export interface ProviderDefinition<Config, Context, Request> extends ProviderBase<Config, Context> {
  /** In canonical order: `all` expands to these in this order. Each kind is one module. */
  kinds: Array<ProviderKind<Context, Request>>;
  /** The provider's typed request for a step (e.g. mode defaulted, options read). */
  requestOf(step: StepRequest): Request;
  /** A vendor error as one line without secrets ("HTTP 403: ...", "NoSuchEntity: ..."). */
  errorText(error: unknown): string;
  /** Who the user is in messages: "IAM user alice", "alice in acme". */
  describeUser(context: Context, user: string): string;
  /**
   * A client for discovery, presence and watch that cannot mutate (e.g. an SDK middleware that
   * refuses writes). `discover`, `presence`, `watch`, `beforeDiscover` and `stepWarnings` only
   * ever see what this returns; the connected client reaches `revoke` alone. Omitted only where
   * the connected client is already read-only.
   */
  readOnly?(context: Context): Context;
  /**
   * Runs once before the kinds are discovered; may return findings-free early answers
   * (the user does not exist → nothing to revoke) or throw a refusal (a superuser, the last owner).
   */
  beforeDiscover?(context: Context, request: Request): Promise<'absent' | void>;
  /**
   * Run `beforeDiscover` alongside the kinds' discovery instead of before it: one round trip, not
   * two. When it answers 'absent', whatever the kinds found or failed with is dropped.
   */
  concurrentBeforeDiscover?: boolean;
  /** Step-level warnings after discovery (e.g. the cost of a scan the step asked for). */
  stepWarnings?(context: Context, request: Request, kinds: string[]): string[];
  /** Turns a failure of a revocation into the error the run records (e.g. listing what blocks a delete). */
  explainRevokeError?(context: Context, finding: Finding, request: Request, error: unknown): Promise<Error | undefined>;

  // --- contain first (issue 18) ---
  /**
   * The step's containment findings, known without discovery (see `Provider.contain`): one module
   * per provider (`contain.ts`), building the same findings (kind, id) its kind modules discover,
   * so `revoke` runs the kind's own code and discovery's copy merges into it. Gets the read-only
   * context. Findings of kinds the step does not list are dropped.
   */
  containment?(context: Context, request: Request, kinds: string[]): Finding[] | Promise<Finding[]>;
}

/** Whether `kind`'s discovery may refuse this step (see ProviderKind.mayRefuse). */
function mayRefuse<Context, Request>(kind: ProviderKind<Context, Request>, context: Context, request: Request): boolean {
  return typeof kind.mayRefuse === 'function' ? kind.mayRefuse(context, request) : Boolean(kind.mayRefuse);
}

/** Tells the engine the step's guards passed once `guarded` fulfils; a rejection is the discovery's to report. */
function signalGuards(step: DiscoverRequest, guarded: Promise<unknown>): void {
  guarded.then(
    () => step.guardsPassed?.(),
    () => undefined,
  );
}

/**
 * Every kind's answer, or the error to fail the step with: a refusal before any other failure,
 * whichever came first, so a kind that failed early cannot hide the last owner found by another.
 */
function firstRefusalFirst<T>(answers: Array<PromiseSettledResult<T>>): T[] {
  const failures = answers.flatMap((answer) => (answer.status === 'rejected' ? [answer.reason as unknown] : []));
  if (failures.length > 0) throw failures.find(isRefusal) ?? failures[0];
  return answers.map((answer) => (answer as PromiseFulfilledResult<T>).value);
}

/** An error thrown on purpose by provider code (already worded for the operator), not a vendor error. */
const isWorded = (error: unknown, isVendor: (error: unknown) => boolean) => error instanceof Error && !isVendor(error);

/**
 * Builds a provider from its kind modules and a few provider-specific answers. The glue every
 * provider used to repeat lives here once: the kind table, `kindOf`, wording errors with the kind
 * and the user, read-only discovery, skipped kinds, and retry counting.
 */
export function defineProvider<Config, Context, Request>(definition: ProviderDefinition<Config, Context, Request>): Provider<Config, Context> & {
  kindModules: Array<ProviderKind<Context, Request>>;
  /** The read-only view of a connected client: what discover, presence and watch receive. */
  readOnly(connected: Context): Context;
} {
  const { kinds, requestOf, errorText, describeUser, readOnly, beforeDiscover, concurrentBeforeDiscover, stepWarnings, explainRevokeError, presence, watch, ...base } = definition;
  const readOnlyOf = (connected: Context) => (readOnly ? readOnly(connected) : connected);
  const byName = new Map(kinds.map((kind) => [kind.name, kind]));
  const kindOf = (name: string) => {
    const kind = byName.get(name);
    if (!kind) throw new Error(`${definition.type} has no revoke kind ${name}`);
    return kind;
  };
  // A vendor error carries a status or code; an Error without one was worded by provider code.
  const isVendor = (error: unknown) => typeof error === 'object' && error !== null && ('status' in error || '$metadata' in error || 'code' in error);
  const word = (error: unknown) => (isWorded(error, isVendor) ? (error as Error).message : errorText(error));

  async function discoverKind(context: Context, name: string, request: Request, user: string) {
    try {
      return { name, result: await kindOf(name).discover(context, request) };
    } catch (error) {
      if (isWorded(error, isVendor)) throw error;
      throw new Error(`listing ${name} of ${describeUser(context, user)}: ${errorText(error)}`);
    }
  }

  // Contain first: the definition's containment findings, for the kinds the step lists, worded like discovery errors.
  async function containStep(connected: Context, step: DiscoverRequest): Promise<Finding[]> {
    const context = readOnlyOf(connected);
    try {
      const findings = await definition.containment!(context, requestOf(step), step.kinds);
      return findings.filter((finding) => step.kinds.includes(finding.kind));
    } catch (error) {
      if (isWorded(error, isVendor)) throw error;
      throw new Error(`containing ${describeUser(context, step.user)}: ${errorText(error)}`);
    }
  }

  return {
    ...base,
    kinds: kinds.map(({ name, description, permissions, reversible }) => ({ name, description, permissions, reversible })),
    kindModules: kinds,
    readOnly: readOnlyOf,

    ...(presence ? { presence: (connected: Context, request: Parameters<typeof presence>[1]) => presence(readOnlyOf(connected), request) } : {}),
    ...(watch ? { watch: (connected: Context, request: WatchRequest) => watch(readOnlyOf(connected), request) } : {}),

    async discover(connected, step: DiscoverRequest): Promise<Discovery> {
      const context = readOnlyOf(connected);
      const request = requestOf(step);
      const discoverKinds = () => {
        const answers = step.kinds.map((name) => discoverKind(context, name, request, step.user));
        return {
          results: Promise.allSettled(answers).then(firstRefusalFirst),
          // Every kind that may refuse has answered without refusing (beforeDiscover is awaited beside it).
          refusing: Promise.all(answers.filter((_, i) => mayRefuse(kindOf(step.kinds[i]!), context, request))),
        };
      };
      let results: Awaited<ReturnType<typeof discoverKinds>['results']>;
      if (concurrentBeforeDiscover && beforeDiscover) {
        const before = beforeDiscover(context, request);
        const kindAnswers = discoverKinds();
        signalGuards(step, Promise.all([before, kindAnswers.refusing]));
        const [beforeAnswer, kindAnswer] = await Promise.allSettled([before, kindAnswers.results]);
        if (beforeAnswer.status === 'rejected') throw beforeAnswer.reason;
        if (beforeAnswer.value === 'absent') return { findings: [] };
        if (kindAnswer.status === 'rejected') throw kindAnswer.reason;
        results = kindAnswer.value;
      } else {
        if ((await beforeDiscover?.(context, request)) === 'absent') return { findings: [] };
        const kindAnswers = discoverKinds();
        signalGuards(step, kindAnswers.refusing);
        results = await kindAnswers.results;
      }
      const discovery: Discovery = { findings: [], skipped: [], warnings: stepWarnings?.(context, request, step.kinds) ?? [] };
      for (const { name, result } of results) {
        if (Array.isArray(result)) discovery.findings.push(...result);
        else {
          discovery.findings.push(...(result.findings ?? []));
          discovery.skipped!.push({ kind: name, reason: result.skipped });
        }
      }
      return discovery;
    },

    ...(definition.containment ? { contain: (connected: Context, step: DiscoverRequest) => containStep(connected, step) } : {}),

    async revoke(context, finding: Finding, step: RevokeRequest): Promise<RevokeOutcome> {
      const request = requestOf(step);
      const run = () => kindOf(finding.kind).revoke(context, finding, request);
      const counter = { retries: 0 };
      try {
        const outcome = await countingRetries(counter, run);
        return counter.retries > 0 ? { ...outcome, retries: counter.retries } : outcome;
      } catch (error) {
        const explained = await explainRevokeError?.(context, finding, request, error);
        const wrapped = explained ?? new Error(`${finding.kind} ${finding.id} of ${describeUser(context, step.user)}: ${word(error)}`);
        throw counter.retries > 0 ? Object.assign(wrapped, { retries: counter.retries }) : wrapped;
      }
    },

    // --- `revoke restore` (issue 19): planned read-only, restored only where the kind can ---
    async planRestore(connected, finding: Finding, step: RestoreRequest): Promise<RestorePlan> {
      const kind = byName.get(finding.kind);
      const request = requestOf(step);
      if (!kind?.planRestore) return { action: 'not-restorable', ...(kind?.notRestorable?.(finding, request) ?? { reason: `${definition.type} cannot undo ${finding.kind}` }) };
      try {
        return await kind.planRestore(readOnlyOf(connected), finding, request, { undoSessionCutoffs: step.undoSessionCutoffs });
      } catch (error) {
        if (isWorded(error, isVendor)) throw error;
        throw new Error(`checking ${finding.kind} ${finding.id} of ${describeUser(connected, step.user)}: ${errorText(error)}`);
      }
    },
    async restore(context, finding: Finding, step: RestoreRequest): Promise<RestoreOutcome> {
      const kind = kindOf(finding.kind);
      if (!kind.restore) throw new Error(`${definition.type} cannot restore ${finding.kind}`);
      try {
        return await kind.restore(context, finding, requestOf(step), { undoSessionCutoffs: step.undoSessionCutoffs });
      } catch (error) {
        throw new Error(`restoring ${finding.kind} ${finding.id} of ${describeUser(context, step.user)}: ${word(error)}`);
      }
    },
  };
}
