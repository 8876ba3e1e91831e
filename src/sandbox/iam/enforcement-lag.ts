import { IamState } from './state.js';

/**
 * AWS IAM is eventually consistent: a change (a key deactivated or deleted, a deny policy
 * attached, a user deleted, but also a key created) is answered at once, yet reaches the places
 * that authenticate and authorize requests only later. With a delay, the sandbox models that:
 * requests are authenticated and authorized against the account as it was `delayMs` ago, while
 * IAM actions themselves read and change the current state. A delay of 0 is no lag at all.
 */
export class EnforcementLag {
  /** For each change not yet enforced, oldest first: when it was made and the account just before it. */
  private readonly pending: Array<{ at: number; before: IamState }> = [];

  constructor(public delayMs: number) {}

  /** Called just before a mutating IAM action changes `state`. */
  beforeChange(state: IamState, now = Date.now()): void {
    if (this.delayMs > 0) this.pending.push({ at: now, before: snapshot(state) });
  }

  /** The account requests are authenticated and authorized against at `now`. */
  enforced(state: IamState, now = Date.now()): IamState {
    const horizon = now - this.delayMs;
    while (this.pending.length > 0 && this.pending[0]!.at <= horizon) this.pending.shift();
    return this.pending[0]?.before ?? state;
  }
}

/** A deep copy of what authentication and authorization read: users (keys, policies), roles, policies, sessions. */
function snapshot(state: IamState): IamState {
  const copy = new IamState();
  for (const user of state.users.values()) copy.users.set(user.name, structuredClone(user));
  for (const role of state.roles.values()) copy.roles.set(role.name, structuredClone(role));
  for (const [arn, policy] of state.policies) copy.policies.set(arn, structuredClone(policy));
  for (const [id, session] of state.sessions) copy.sessions.set(id, structuredClone(session));
  return copy;
}
