import { ago } from '../../types.js';
import { Phase, removeOrConfirmGone, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** App-specific passwords (asps.list / asps.delete), dealt with while the user is still active. */
export const appPasswords: GoogleKind = {
  name: 'app-passwords',
  description: 'app passwords (IMAP, old mail clients): deleted (asps.delete)',
  permissions: [Scope.userSecurity],
  reversible: false,
  async discover({ directory }, { user, recentMs }) {
    const { data } = await directory.asps.list({ userKey: user });
    return (data.items ?? []).map((asp) => {
      // Google reports times as epoch milliseconds (int64 as a string or number); 0 means never.
      const lastUsed = Number(asp.lastTimeUsed ?? 0) > 0 ? new Date(Number(asp.lastTimeUsed)) : undefined;
      return {
        id: String(asp.codeId),
        kind: 'app-passwords',
        label: `app password "${asp.name ?? asp.codeId}" (${lastUsed ? `last used ${ago(lastUsed)}` : 'never used'})`,
        phase: Phase.Credentials,
        details: { name: asp.name ?? '', lastTimeUsed: lastUsed ? lastUsed.toISOString() : 'never' },
        ...(lastUsed && Date.now() - lastUsed.getTime() < recentMs ? { warnings: [`app password "${asp.name}" was used ${ago(lastUsed)}`] } : {}),
      };
    });
  },
  async revoke({ directory, write }, finding, { user }) {
    const codeId = Number(finding.id);
    return removeOrConfirmGone(
      `app password ${finding.id} of ${user}`,
      () => write(() => directory.asps.delete({ userKey: user, codeId })),
      async () => ((await directory.asps.list({ userKey: user })).data.items ?? []).some((asp) => asp.codeId === codeId),
    );
  },
  notRestorable: () => ({ reason: 'deleted app passwords cannot be restored: the person creates new ones' }),
};
