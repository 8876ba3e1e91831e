import type { z } from 'zod';
import type { Canary, CanaryCredential, CanaryRequest, ProbeAnswer } from './drill-hooks.js';

/** One thing a provider knows how to take away (access keys, an org membership, ...). */
export interface RevokeKind {
  name: string;
  description: string;
  /** The provider-side permissions discover + revoke of this kind need (e.g. IAM actions). */
  permissions: string[];
  /** Whether `revoke restore` can undo revoking it (in disable mode, for kinds that have modes). */
  reversible: boolean;
}

/** Something concrete that exists now and gives the user access. Never holds a secret. */
export interface Finding {
  /** Stable id inside (provider instance, kind): an access key id, a membership's org/login. */
  id: string;
  kind: string;
  /** What an operator reads in the plan: "access key AKIA...XYZ (active, last used 2026-11-01)". */
  label: string;
  /**
   * Ordering inside a step: all findings of a lower phase are revoked before any of a higher
   * phase (e.g. credentials before the user itself). Findings of one phase may run concurrently.
   */
  phase: number;
  /** Non-secret facts worth keeping in the record (role, teams, status). */
  details?: Record<string, string | number | boolean>;
  /** Things the operator should know before approving (e.g. "affects everyone using role X"). */
  warnings?: string[];
  /**
   * What a reviewer approves beyond the id, as a digest (e.g. exactly which objects a role owns):
   * a saved plan records it and `revoke apply` treats a changed one as drift.
   */
  fingerprint?: string;
}

/**
 * A finding's identity inside a step, e.g. to match a plan's findings to a new discovery: kind and
 * id, plus its fingerprint when the provider gives one (e.g. exactly what a role owns). A changed
 * fingerprint is a different finding, so `apply` shows it as drift instead of acting on something
 * the reviewer did not see.
 */
export const findingKey = (f: { kind: string; id: string; fingerprint?: string }) => `${f.kind}\u0000${f.id}${f.fingerprint ? `\u0000${f.fingerprint}` : ''}`;

/** What discovery found, plus kinds it could not look at and why (not findings: nothing to revoke). */
export interface Discovery {
  findings: Finding[];
  skipped?: Array<{ kind: string; reason: string }>;
  /** Things the operator should know about this step before approving (e.g. the cost of a scan). */
  warnings?: string[];
}

export type RevokeOutcome = (
  | { status: 'revoked'; detail?: string }
  | { status: 'already-gone'; detail?: string }
  | { status: 'skipped'; reason: string }
) & {
  /** How many times calls were retried (throttling, 5xx, conflicts) to get this outcome. */
  retries?: number;
};

/** What connect() returns: the client plus who the CLI is on this provider. */
export interface Connection<Client> {
  client: Client;
  /**
   * The identity the CLI authenticates as, in the same namespace as step users
   * (an IAM user name, a GitHub login), or undefined when it is not a user (a role, an app).
   * The engine refuses to revoke it: the self-lockout guard.
   */
  selfUser?: string;
  /** A human description of who the CLI runs as, for the record (an ARN, "app 123"). */
  actor: string;
}

export interface ConnectContext {
  /** The provider instance's name in the runbook (e.g. "aws"). */
  instance: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /**
   * A run's people on this instance (its steps' users). Connect may start reading them, read-only,
   * beside its own identity check, into the read cache `withReadCache` then hands the run: the
   * guard's and containment's reads need not wait for connect's round trip. Absent outside runs.
   */
  users?: string[];
  /** With `users`: the kinds the run's steps on this instance revoke (what its early reads may be for). */
  kinds?: string[];
}

export interface DiscoverRequest {
  user: string;
  kinds: string[];
  mode: string | undefined;
  options: Record<string, unknown>;
  signal: AbortSignal;
  /** Blast radius: use within this many milliseconds before now counts as recent (default 24 h). */
  recentMs?: number;
  /**
   * Called once every check of this discovery that can refuse the run (a superuser, the last
   * owner) has passed; after it the discovery may still list and fail, but must not refuse. A run
   * confirmed up front starts each step's removals once its own discovery is done and every
   * step's discovery has called this (or ended): not after every step's discovery. Never called
   * is always safe: the discovery's end counts instead.
   */
  guardsPassed?: () => void;
}

export const DEFAULT_RECENT_MS = 24 * 3600_000;

export interface WatchRequest {
  user: string;
  /** What the run revoked on this provider instance (from the signed report). */
  revoked: Array<{ kind: string; id: string; detail?: string }>;
  since: Date;
  until?: Date;
}

export interface WatchEvent {
  /** Stable across polls, to print each event once with --follow. */
  id: string;
  time: string;
  what: string;
  /** Whether the provider refused it (a revoked key being tried) or let it through. */
  outcome: 'denied' | 'allowed' | 'open';
}

/** "3h ago", "2d ago": how long ago a date was, for warnings. */
export function ago(date: Date, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - date.getTime()) / 60_000));
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

export interface RevokeRequest {
  user: string;
  mode: string | undefined;
  options: Record<string, unknown>;
  signal: AbortSignal;
}

/**
 * A provider type: one folder under src/providers/<type>/ exporting one of these.
 * Importing it must stay cheap: SDKs load inside connect().
 */
export interface Provider<Config = any, Client = any> {
  type: string;
  description: string;
  configSchema: z.ZodType<Config>;
  /** Extra keys a step of this provider accepts (e.g. `roles:`); strict. */
  stepOptionsSchema?: z.ZodObject<any>;
  /** In canonical order; `all` expands to every kind in this order. */
  kinds: RevokeKind[];
  /** Modes a step may ask for (e.g. disable/delete); omitted when the provider has none. */
  modes?: { names: string[]; default: string; descriptions: Record<string, string> };
  /** Permissions every run needs whatever the kinds (identity look-ups), e.g. sts:GetCallerIdentity. */
  basePermissions?: string[];
  /** The complete least-privilege policy for the provider, as its platform writes policies (JSON). */
  permissionsDocument?(): string;
  /** What a valid user name looks like on this provider, checked before anything runs. */
  user: { pattern: RegExp; description: string; caseInsensitive: boolean };
  connect(config: Config, context: ConnectContext): Promise<Connection<Client>>;
  /** Read-only. Must have no path to a mutating call. */
  discover(client: Client, request: DiscoverRequest): Promise<Finding[] | Discovery>;
  /**
   * The bulk path for audits: with a few list calls, the users who could have any finding of
   * these kinds on this provider. A user it says is absent has nothing to revoke and costs no call.
   */
  presence?(client: Client, request: { kinds: string[]; options: Record<string, unknown>; signal: AbortSignal }): Promise<(user: string) => boolean>;
  /**
   * `revoke watch`: use or attempted use, after `since`, of the identity and credentials a run
   * revoked. Read-only. `skipped` says why the provider cannot look (e.g. no audit log on the plan).
   */
  watch?(client: Client, request: WatchRequest): Promise<{ events: WatchEvent[]; skipped?: string }>;
  /** Closes what connect() opened (a database connection); called once when the run ends. */
  disconnect?(client: Client): Promise<void>;
  /** Idempotent: a finding that no longer exists yields `already-gone`. */
  revoke(client: Client, finding: Finding, request: RevokeRequest): Promise<RevokeOutcome>;

  // --- `revoke restore` (issue 19) ---
  /**
   * Read-only: what undoing one finding a run revoked would do now, judged from the prior state
   * its details recorded and the current state; or why it will not (not reversible, deleted, the
   * world changed since). Every kind answers, so the plan lists what cannot be restored too.
   */
  planRestore?(client: Client, finding: Finding, request: RestoreRequest): Promise<RestorePlan>;
  /** Undoes one finding `planRestore` said it would restore. Idempotent. */
  restore?(client: Client, finding: Finding, request: RestoreRequest): Promise<RestoreOutcome>;

  // --- contain first, discover once (issue 18) ---
  /**
   * Containment that needs no discovery: the findings of a step a confirmed run revokes first,
   * right after connect (through `revoke()`, like any finding), before the rest is discovered.
   * Only reversible disable-type actions, only for kinds the step asks for. Gets the read-only
   * client: at most a guard read (a superuser is not contained). A refusal thrown here stops the
   * run like a discovery refusal. A dry run lists them and sends nothing.
   */
  contain?(client: Client, request: DiscoverRequest): Promise<Finding[]>;
  /**
   * A view of the connected client whose identical reads are sent once and answered from memory
   * after that: the engine makes one per provider instance per run, for discovery only, so two
   * steps of one provider for one person list the same things once.
   */
  withReadCache?(client: Client): Client;

  // --- `revoke drill` (optional): a canary identity, and probes of its credentials ---
  /**
   * Makes a canary with working credentials (an IAM user with a key and a session, a database
   * role with a password and an open session), marked as a drill's, or takes the canary's
   * credentials from the environment (a test account's token). Refuses (InvalidInputError) an
   * identity that exists and is not marked as a drill canary. Runs with the connected client.
   */
  canary?(client: Client, request: CanaryRequest): Promise<Canary>;
  /**
   * Uses one canary credential against the provider's endpoint with a call an explicit deny or a
   * revocation stops: 'allowed' if it still works, 'denied' if refused; throws when it cannot tell.
   */
  probe?(credential: CanaryCredential, signal: AbortSignal): Promise<ProbeAnswer>;
}

// --- `revoke restore` (issue 19) ---

export interface RestoreRequest extends RevokeRequest {
  /** --also-sessions-policy: remove session cutoffs too (old sessions come back to life). */
  undoSessionCutoffs: boolean;
}

/** What restoring one revoked finding would do, decided read-only before anything changes. */
export type RestorePlan =
  /** It will be put back; `needsAcceptance` when the person must accept (a GitHub invitation). */
  | { action: 'restore'; what: string; needsAcceptance?: boolean }
  /** Left as it is on purpose (it was already inactive before the run; the session cutoff stays). */
  | { action: 'keep'; reason: string }
  /** The world changed since the run (deleted, dropped, protected now): reported, not forced. */
  | { action: 'conflict'; reason: string }
  /**
   * Revoking it cannot be undone; `instead` says what to do (an exact command). `identityRemoved`:
   * this finding was the person's identity itself (a deleted user, a dropped role), so nothing
   * else of that identity can come back either (restore says so instead of reporting conflicts).
   */
  | { action: 'not-restorable'; reason: string; instead?: string; identityRemoved?: boolean };

export type RestoreOutcome =
  | { status: 'restored'; detail?: string }
  /** Re-granted by an invitation the person still has to accept. */
  | { status: 'invited'; detail: string }
  /** Found in its prior state already (someone restored it by hand). */
  | { status: 'already-restored'; detail?: string }
  | { status: 'conflict'; reason: string };
