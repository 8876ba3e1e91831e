import { errorMessage, isRefusal, RevokeError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { findingKey, type Connection, type Finding } from '../providers/types.js';
import type { PlannedStep, RunPlan } from '../runbook/resolve.js';
import type { RunEventStream } from './events.js';
import { revokeStepFindings, type RevokeOptions } from './revoke.js';

/** The steps of one provider instance for one person: their containment is planned, merged and fired together. */
const groupOf = (step: Pick<PlannedStep, 'provider' | 'user'>) => `${step.provider}\u0000${step.user}`;

interface GroupPlan {
  /** Step id -> its containment findings as the provider names them; each (kind, id) once per group: the first step in plan order owns it. */
  byStep: Map<string, Finding[]>;
  /** A guard of the provider said no (e.g. a superuser): the run stops, exit 2. */
  refusal?: RevokeError;
}

/**
 * Contain first (issue 18): the findings each step's provider can name without discovery
 * (`Provider.contain`), planned for every step at once right after connect.
 *
 * - `early` (a run confirmed up front, `--yes`): they are the plan's containment as named, fired
 *   at once while the rest is discovered; discovery's copies merge into them.
 * - `after-approval` (dry runs, prompts, saved plans): discovery decides; a discovered finding the
 *   provider names as containment is the plan's containment (fired first once approved), one that
 *   is already in place is simply not there. A dry run never sends anything.
 *
 * Either way each is in the plan, the journal and the report once, in the first step (in plan
 * order) of its provider instance and person that names it.
 */
export class Containment {
  private readonly groups = new Map<string, Promise<GroupPlan>>();
  /** The containment findings of each step, as they are in the plan. */
  private readonly registered = new Map<string, Finding[]>();
  private readonly planned = new Set<Finding>();
  /** Steps whose containment failed: nothing else of theirs is attempted (like a failed earlier phase). */
  readonly failedSteps = new Set<string>();
  /** How many containment findings `fire` has sent so far. */
  sent = 0;
  /** Per group: resolved once its containment went out (or there is none to send): discovery waits for it, evidence never goes first. */
  private readonly dispatches = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  /** Per group: resolved once its containment has answered (or there is none): its steps' revoke phase waits for it, no other. */
  private readonly answers = new Map<string, { promise: Promise<void>; resolve: () => void }>();

  constructor(
    private readonly plan: RunPlan,
    private readonly registry: ProviderRegistry,
    /** The (read-cached) client of a provider instance, once it is connected and its guard passed; rejects if it never is. */
    clients: (instance: string) => Promise<unknown>,
    private readonly events: RunEventStream,
    private readonly mode: 'early' | 'after-approval',
    signal: AbortSignal,
  ) {
    const members = new Map<string, PlannedStep[]>();
    for (const step of plan.steps) members.set(groupOf(step), [...(members.get(groupOf(step)) ?? []), step]);
    for (const [group, steps] of members) {
      this.groups.set(group, this.planGroup(steps, clients, signal));
      const [dispatch, answer] = [settledLater(), settledLater()];
      this.dispatches.set(group, dispatch);
      this.answers.set(group, answer);
      // After approval, `fire` is awaited before anything else: nothing needs to wait on these.
      if (mode === 'after-approval') [dispatch, answer].forEach((d) => d.resolve());
    }
  }

  /**
   * Early mode: resolves once the containment of `step`'s provider instance and person has been
   * sent (its first requests are on their way), so discovery's reads, evidence included, never
   * go out before it and do not compete with it. Otherwise at once.
   */
  dispatched(step: PlannedStep): Promise<void> {
    return this.dispatches.get(groupOf(step))!.promise;
  }

  /** Resolves once the containment `fire` sends for `step`'s provider instance and person has answered (at once if it sends none). */
  answered(step: PlannedStep): Promise<void> {
    return this.answers.get(groupOf(step))!.promise;
  }

  private async planGroup(steps: PlannedStep[], clients: (instance: string) => Promise<unknown>, signal: AbortSignal): Promise<GroupPlan> {
    const provider = this.registry.get(steps[0]!.providerType)!;
    if (!provider.contain) return { byStep: new Map() };
    // Not connected, or the self-lockout guard refused: nothing to contain (the run stops anyway).
    const client = await clients(steps[0]!.provider).then(
      (c) => ({ c }),
      () => undefined,
    );
    if (!client) return { byStep: new Map() };
    const answers = await Promise.allSettled(steps.map((step) => provider.contain!(client.c, { user: step.user, kinds: step.kinds, mode: step.mode, options: step.options, signal })));
    const byStep = new Map<string, Finding[]>();
    const seen = new Set<string>();
    let refusal: RevokeError | undefined;
    steps.forEach((step, i) => {
      const answer = answers[i]!;
      if (answer.status === 'rejected') {
        if (isRefusal(answer.reason)) refusal ??= answer.reason;
        // Not fatal: the same findings are discovered and revoked in step order instead.
        else this.events.emit({ type: 'step-warning', stepId: step.id, message: `containment could not be planned (${errorMessage(answer.reason)}); it runs in step order after discovery instead` });
        return;
      }
      const owned = answer.value.filter((finding) => !seen.has(findingKey(finding)));
      for (const finding of owned) seen.add(findingKey(finding));
      byStep.set(step.id, owned);
    });
    if (refusal) return { byStep, refusal };
    if (this.mode === 'early') for (const [stepId, findings] of byStep) for (const finding of findings) this.register(stepId, finding);
    return { byStep };
  }

  private register(stepId: string, finding: Finding): void {
    this.planned.add(finding);
    this.registered.set(stepId, [...(this.registered.get(stepId) ?? []), finding]);
    this.events.emit({ type: 'containment-planned', stepId, finding });
  }

  /** Whether `finding` is one of the plan's containment findings (revoked by `fire`, not by its step's revoke phase). */
  has(finding: Finding): boolean {
    return this.planned.has(finding);
  }

  /** Every step's containment findings in the plan, once planning and discovery are done, and the first refusal of a provider guard. */
  async settled(): Promise<{ byStep: Map<string, Finding[]>; refusal?: RevokeError }> {
    const plans = await Promise.all(this.groups.values());
    const refusal = plans.find((p) => p.refusal)?.refusal;
    return refusal ? { byStep: this.registered, refusal } : { byStep: this.registered };
  }

  /**
   * Which of discovery's findings of `step` are new. A copy of a containment finding is not: its
   * evidence (label, details, warnings) joins the one its owner step has; after approval, the
   * owner's own copy becomes that containment finding.
   */
  async keepNew(step: PlannedStep, findings: Finding[]): Promise<Finding[]> {
    const { byStep, refusal } = await this.groups.get(groupOf(step))!;
    if (refusal) return findings;
    const owners = new Map<string, string>();
    for (const [stepId, named] of byStep) for (const finding of named) owners.set(findingKey(finding), stepId);
    return findings.filter((finding) => {
      const owner = owners.get(findingKey(finding));
      if (owner === undefined) return true;
      if (this.mode === 'after-approval' && owner === step.id) this.register(step.id, finding);
      else this.events.emit({ type: 'finding-merged', stepId: owner, fromStepId: step.id, finding });
      return false;
    });
  }

  /**
   * Revokes the containment findings `chosen` accepts (all by default): every group at once, as
   * soon as its plan is ready; inside a step phase by phase. Resolves when all have answered.
   */
  async fire(connectionOf: (instance: string) => Promise<Connection<unknown>>, options: RevokeOptions, chosen: (finding: Finding) => boolean = () => true): Promise<void> {
    const steps = new Map(this.plan.steps.map((step) => [step.id, step]));
    await Promise.all(
      [...this.groups].map(async ([key, group]) => {
        const dispatch = this.dispatches.get(key)!;
        const answer = this.answers.get(key)!;
        try {
          const { byStep, refusal } = await group;
          if (refusal || byStep.size === 0) return;
          const stepIds = [...byStep.keys()];
          const connection = await connectionOf(steps.get(stepIds[0]!)!.provider);
          const connections = new Map([[steps.get(stepIds[0]!)!.provider, connection]]);
          const sending = stepIds.map(async (stepId) => {
            const selected = (this.registered.get(stepId) ?? []).filter(chosen);
            if (selected.length === 0) return;
            this.sent += selected.length;
            if (await revokeStepFindings(steps.get(stepId)!, selected, this.registry, connections, this.events, options)) this.failedSteps.add(stepId);
          });
          // Their intents reach the disk first (write-ahead: one flush covers them all); then the
          // clients write their requests within that turn of the event loop; the next is discovery's.
          await options.durable?.().catch(() => undefined);
          setImmediate(dispatch.resolve);
          await Promise.all(sending);
        } finally {
          dispatch.resolve();
          answer.resolve();
        }
      }),
    );
  }
}

/** A promise resolved from outside. */
function settledLater(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
