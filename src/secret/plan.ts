import type { ClassifiedSecret, SecretType } from './classify.js';
import type { SecretProviders } from './providers.js';

/** What happened to one secret (or, in a dry run, what would). */
export type SecretStatus = 'revoked' | 'already-gone' | 'would-revoke' | 'failed' | 'refused' | 'not-revoked';

export interface SecretOutcome {
  status: SecretStatus;
  detail: string;
}

/** Something a revocation took away, in the run report's terms, for `revoke watch`. */
export interface TakenAccess {
  provider: string;
  providerType: string;
  user: string;
  kind: string;
  id: string;
  /** What the revocation did, as the provider's kind says it (watch reads "set Inactive"). */
  detail?: string;
}

/**
 * One secret after identification (reads only): what it is, whose, what revoking it does, and
 * whether it will not be revoked and why (refused by a guard, not revocable, unrecognised).
 */
export interface PlannedSecret {
  secret: ClassifiedSecret;
  what: string;
  owner?: string;
  provider?: string;
  actions: string[];
  warnings: string[];
  /** Decided while planning: nothing will be done to this secret, and why. */
  settled?: SecretOutcome;
  taken?: TakenAccess[];
  /** The handler's own note of what to revoke, from identification to revocation. */
  target?: unknown;
}

export interface SecretOptions {
  /** aws: delete the access key instead of setting it Inactive. */
  delete: boolean;
  /** aws: also cut the key owner's sessions (an aws:TokenIssueTime deny). */
  cutSessions: boolean;
  /** github: find who owned a token through the org provider (SAML credential authorizations). */
  identify: boolean;
}

export interface SecretContext {
  providers: SecretProviders;
  options: SecretOptions;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Counts the vendor calls made, by name, for the record and the benchmark. */
  count(call: string): void;
}

/** One module per secret type: identify (reads) and revoke (the mutation) a batch of its secrets. */
export interface SecretHandler {
  types: SecretType[];
  plan(secrets: ClassifiedSecret[], context: SecretContext): Promise<PlannedSecret[]>;
  /** Revokes planned secrets that are not settled; answers one outcome each, in order. */
  revoke(planned: PlannedSecret[], context: SecretContext): Promise<SecretOutcome[]>;
}

export const refused = (reason: string): SecretOutcome => ({ status: 'refused', detail: reason });
export const notRevoked = (reason: string): SecretOutcome => ({ status: 'not-revoked', detail: reason });
