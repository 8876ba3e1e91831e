import { withCachedReads } from '../read-cache.js';
import type { GoogleContext } from './kind.js';

/**
 * The read-only view whose directory answers identical reads once: the person (users.get) and
 * their backup codes (verificationCodes.list), read by the guard, containment and every step.
 * The codes' list must be containment's: read again after the suspension it sends, Google
 * refuses it (412).
 */
export function cachedDirectoryReads(view: GoogleContext): GoogleContext {
  // The same Admin client, whose `users` and `verificationCodes` (read-only properties) answer identical reads once.
  const directory = Object.create(view.directory, {
    users: { value: withCachedReads(view.directory.users, (method) => method === 'get') },
    verificationCodes: { value: withCachedReads(view.directory.verificationCodes, (method) => method === 'list') },
  }) as GoogleContext['directory'];
  return { ...view, directory };
}

/**
 * Connect, told the run's people: their profiles (and backup codes, when a step revokes them) are
 * asked for beside the impersonated admin's own read, so the guard and containment find them
 * answered or on their way instead of asking one round trip later. Reads only; the guard still
 * decides before anything is sent.
 */
export function prefetchPeople(cached: GoogleContext, users: string[], kinds: string[] = []): void {
  for (const user of users.map((u) => u.toLowerCase())) {
    cached.directory.users.get({ userKey: user, projection: 'basic' }).catch(() => undefined);
    if (kinds.includes('backup-codes')) cached.directory.verificationCodes.list({ userKey: user }).catch(() => undefined);
  }
}
