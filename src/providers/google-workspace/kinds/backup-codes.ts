import { Phase, statusOf, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** 2-step verification backup codes (verificationCodes.invalidate), only when there are codes. */
export const backupCodes: GoogleKind = {
  name: 'backup-codes',
  description: '2-step verification backup codes: invalidated (Google refuses this for a suspended user, so it runs before suspend)',
  permissions: [Scope.userSecurity],
  reversible: false,
  async discover({ directory }, { user }) {
    // Both reads at once (one round trip, also when contain first reads them before signing out):
    // the list fails for a suspended user, which the profile then explains.
    const [{ data: profile }, listed] = await Promise.all([
      directory.users.get({ userKey: user, projection: 'basic' }),
      directory.verificationCodes.list({ userKey: user }).then(
        ({ data }) => ({ data }),
        (error: unknown) => ({ error }),
      ),
    ]);
    // 412 to the list: suspended after the profile was read (by this run's containment, or by
    // someone else meanwhile); the same answer as a suspended profile, not a failed discovery.
    if (profile.suspended || ('error' in listed && statusOf(listed.error) === 412)) {
      return { skipped: `${user} is suspended: Google refuses to process backup codes of a suspended user (they cannot sign in while suspended; unsuspend, run this kind, suspend again)` };
    }
    if ('error' in listed) throw listed.error;
    const count = (listed.data.items ?? []).length;
    if (count === 0) return [];
    return [{ id: 'backup-codes', kind: 'backup-codes', label: `${count} unused backup codes`, phase: Phase.Credentials, details: { count } }];
  },
  async revoke({ directory, write }, _finding, { user }) {
    try {
      await write(() => directory.verificationCodes.invalidate({ userKey: user }));
    } catch (error) {
      // Suspended since discovery (an earlier step): Google refuses, and the codes cannot sign in anyway.
      if (statusOf(error) === 412) return { status: 'skipped', reason: `${user} was suspended meanwhile: Google refuses to process backup codes of a suspended user (they cannot sign in while suspended)` };
      throw error;
    }
    return { status: 'revoked', detail: 'backup codes invalidated' };
  },
  notRestorable: () => ({ reason: 'invalidated backup codes cannot be restored: the person generates new ones' }),
};
