import { ago } from '../../types.js';
import { exists, findUser, Phase, removeOrConfirmGone, type OktaKind } from '../kind.js';

interface ApiToken {
  id: string;
  name: string;
  userId?: string;
  clientName?: string;
  created?: string;
  expiresAt?: string;
  tokenWindow?: string;
}

/** ISO 8601 durations of the form Okta uses for tokenWindow (P30D, PT12H), in ms. */
function durationMs(duration: string | undefined): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration ?? '');
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0'] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000;
}

/**
 * Okta does not report when an API token was last used, but a token expires `tokenWindow` after
 * its last use, so expiresAt − tokenWindow is that moment.
 */
function lastUsed(token: ApiToken): Date | undefined {
  const window = durationMs(token.tokenWindow);
  const expires = Date.parse(token.expiresAt ?? '');
  return window === undefined || Number.isNaN(expires) ? undefined : new Date(expires - window);
}

/** API tokens the person created: they act as the person, so automation using them breaks. */
export const apiTokens: OktaKind = {
  name: 'api-tokens',
  description: 'API tokens the person created (they act as the person): revoked, always with a blast-radius warning',
  permissions: ['okta.apiTokens.manage'],
  reversible: false,
  async discover(context, { user, recentMs }) {
    const person = await findUser(context, user);
    if (!person) return [];
    // The list has no userId filter: every active token of the org comes back, filtered here.
    const tokens = (await context.http.get<ApiToken[]>('/api/v1/api-tokens')).filter((t) => t.userId === person.id);
    return tokens.map((token) => {
      const used = lastUsed(token);
      const usedText = used ? `last used ${used.toISOString().slice(0, 16)}Z, ${ago(used)}` : 'last use unknown';
      const recent = used !== undefined && Date.now() - used.getTime() < recentMs;
      return {
        id: token.id,
        kind: 'api-tokens',
        label: `API token "${token.name}" (${token.clientName ?? 'unknown client'}, ${usedText})`,
        phase: Phase.Credentials,
        details: { userId: person.id, name: token.name, ...(token.clientName ? { clientName: token.clientName } : {}), ...(used ? { lastUsed: used.toISOString() } : {}), recentlyUsed: recent },
        warnings: [`API token "${token.name}" acts as ${person.profile.login}: automation using it stops working (${usedText}${recent ? ', in use recently' : ''})`],
      };
    });
  },
  async revoke(context, finding) {
    const path = `/api/v1/api-tokens/${finding.id}`;
    return removeOrConfirmGone(finding.label, () => context.http.send('DELETE', path), () => exists(() => context.http.get(path)));
  },
  notRestorable: () => ({ reason: 'revoked API tokens cannot be restored: the person creates new ones' }),
};
