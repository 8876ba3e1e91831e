import { exists, Phase, removeOrConfirmGone, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** App names that suggest an integration others depend on, not just the person's own use. */
const AUTOMATION = /\b(bot|ci|cd|deploy|automation|sync|jenkins|zapier|terraform|script|service|backup|integration|workflow)\b/i;

/** Every third-party app the person authorized (tokens.list / tokens.delete). */
export const oauthTokens: GoogleKind = {
  name: 'oauth-tokens',
  description: 'OAuth grants to third-party apps: deleted (tokens.delete), app name and scopes recorded',
  permissions: [Scope.userSecurity],
  reversible: false,
  async discover({ directory }, { user }) {
    const { data } = await directory.tokens.list({ userKey: user });
    return (data.items ?? []).map((token) => {
      const name = token.displayText ?? token.clientId ?? 'unnamed app';
      const scopes = token.scopes ?? [];
      return {
        id: token.clientId!,
        kind: 'oauth-tokens',
        label: `OAuth grant to ${name} (${scopes.length ? scopes.map((s) => s.replace('https://www.googleapis.com/auth/', '')).join(', ') : 'no scopes'})`,
        phase: Phase.Credentials,
        details: { clientId: token.clientId!, app: name, scopes: scopes.join(' '), nativeApp: token.nativeApp ?? false },
        ...(AUTOMATION.test(name) ? { warnings: [`${name} looks like an automation: whatever runs on ${user}'s grant stops working`] } : {}),
      };
    });
  },
  async revoke({ directory, write }, finding, { user }) {
    return removeOrConfirmGone(
      `${user}'s OAuth grant to ${finding.details?.app ?? finding.id}`,
      () => write(() => directory.tokens.delete({ userKey: user, clientId: finding.id })),
      () => exists(() => directory.tokens.get({ userKey: user, clientId: finding.id })),
    );
  },
  notRestorable: () => ({ reason: 'revoked OAuth tokens cannot be restored: the person grants the apps access again' }),
};
