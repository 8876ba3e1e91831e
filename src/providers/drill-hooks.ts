/**
 * The optional provider hooks `revoke drill` uses: a canary identity with working credentials, and
 * a probe that uses one of them against the provider's own endpoint. Kept apart from types.ts so
 * the drill's vocabulary stays in one place.
 */

/** What a probe saw: the credential still works, or the provider refused it. */
export type ProbeAnswer = 'allowed' | 'denied';

/**
 * One credential of a canary. `secret` holds the key material (an access key and secret, a
 * password, an open connection) and is only ever handed to the provider's `probe`: never
 * logged, journaled or reported. `name` and `label` are safe to record.
 */
export interface CanaryCredential {
  /** Unique inside the provider instance: 'access-key', 'session', 'login', 'open-session'. */
  name: string;
  /** What a report shows, without any secret: "access key AKIA…WXYZ", "GetSessionToken session (MFA)". */
  label: string;
  secret: unknown;
}

/** Something the canary's cleanup could not remove, with the command an operator runs to remove it. */
export interface CleanupLeftover {
  what: string;
  command: string;
}

export interface Canary {
  /** Who the canary is on the provider (an ARN, role@database, a login), for the record. */
  identity: string;
  credentials: CanaryCredential[];
  /** Whether `create` made the identity (so cleanup removes it) or took it from the environment. */
  createdByDrill: boolean;
  /**
   * Removes what `create` made (whatever the runbook left), closes what it opened. Never throws:
   * what it could not remove is returned, each with a command to remove it by hand.
   */
  cleanup(): Promise<{ removed: string[]; leftovers: CleanupLeftover[] }>;
}

export interface CanaryRequest {
  /** The canary's name on this provider: the step's user, resolved with `--canary`. */
  user: string;
  /** The provider instance's config (endpoints), as connect() got it. */
  config: unknown;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}
