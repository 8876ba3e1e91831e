/**
 * Thrown by a read-only client (the one discovery, presence and watch get) when code asks it to
 * change something. Reaching this is a bug in a provider: only the engine's revoke may mutate.
 */
export class ReadOnlyViolation extends Error {
  constructor(what: string) {
    super(`refused ${what}: discovery, presence and watch get a read-only client (a bug in the provider: only revoke may change things)`);
    this.name = 'ReadOnlyViolation';
  }
}
