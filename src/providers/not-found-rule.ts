import type { RevokeOutcome } from './types.js';

/** How one vendor says "not found", and what to tell the operator when a 404 cannot be trusted. */
export interface NotFoundVendor {
  /** As the operator knows the API: "GitHub", "Graph", "Okta", "Google". */
  vendor: string;
  /** The HTTP status of a vendor error, or undefined for anything else. */
  statusOf(error: unknown): number | undefined;
  /** How a 404 whose thing is still there is worded: what the credentials lack, and where to fix it. */
  stillThere(what: string): string;
}

/**
 * The 404 rule every HTTP provider follows. Vendors answer 404 for "not there" and also for "not
 * visible to you": a 404 to a removal counts as already gone only when a fresh read confirms the
 * thing is absent; if it is still there, the credentials can see it but not change it, and that
 * is an error, never a silent success.
 */
export function notFoundRule(vendor: NotFoundVendor) {
  /** A read that answers 404 when the thing is absent: true if present. */
  async function exists(read: () => Promise<unknown>): Promise<boolean> {
    try {
      await read();
      return true;
    } catch (error) {
      if (vendor.statusOf(error) === 404) return false;
      throw error;
    }
  }

  /**
   * Removes, and applies the rule to a 404. `beforeTrusting` may refuse outright when these
   * credentials could not tell absence from invisibility at all (GitHub without member visibility).
   */
  async function removeOrConfirmGone(
    what: string,
    remove: () => Promise<unknown>,
    stillThere: () => Promise<boolean>,
    options: { detail?: string; beforeTrusting?: () => void } = {},
  ): Promise<RevokeOutcome> {
    try {
      await remove();
      return options.detail ? { status: 'revoked', detail: options.detail } : { status: 'revoked' };
    } catch (error) {
      if (vendor.statusOf(error) !== 404) throw error;
      options.beforeTrusting?.();
      if (await stillThere()) throw new Error(`${vendor.vendor} answered 404 to removing ${what}, but ${vendor.stillThere(what)}`);
      return { status: 'already-gone' };
    }
  }

  return { exists, removeOrConfirmGone };
}
