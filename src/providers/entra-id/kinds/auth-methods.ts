import type { GraphApi } from '../graph-api.js';
import { finding, Phase, targetOf, removeOrConfirmGone, userIdOf, userPath, type EntraKind } from '../kind.js';

/** Graph's path segment for deleting each removable method type (the password method is not one). */
const SEGMENT_OF: Record<string, string> = {
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
};

interface Method {
  '@odata.type': string;
  id: string;
  displayName?: string;
  phoneNumber?: string;
  emailAddress?: string;
}

const methodsOf = (graph: GraphApi, userId: string) => graph.list<Method>(`${userPath(userId)}/authentication/methods`);

/** Sign-in methods (phone, Authenticator, FIDO2, OATH, email, TAP, Windows Hello) deleted; the password method stays. */
export const authMethods: EntraKind = {
  name: 'auth-methods',
  description: 'authentication methods deleted (phone, Microsoft Authenticator, FIDO2, software OATH, email, Temporary Access Pass, Windows Hello); the password method is listed by Graph but cannot be deleted',
  permissions: ['UserAuthenticationMethod.ReadWrite.All'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const methods = await methodsOf(graph, user.id);
    const found = methods
      .filter((m) => SEGMENT_OF[m['@odata.type']])
      .map((m) => {
        const type = m['@odata.type'].replace('#microsoft.graph.', '');
        const what = m.displayName ?? m.phoneNumber?.replace(/\d(?=\d{2})/g, '•') ?? m.emailAddress?.replace(/^(.).*@/, '$1…@') ?? '';
        return finding('auth-methods', user, `${SEGMENT_OF[m['@odata.type']]}/${m.id}`, `${type}${what ? ` ${what}` : ''}`, Phase.Credentials, { type });
      });
    const password = methods.some((m) => m['@odata.type'] === '#microsoft.graph.passwordAuthenticationMethod');
    return password ? { findings: found, skipped: 'the password method stays: Graph cannot delete it (blocking sign-in covers it; reset it to change it)' } : found;
  },
  async revoke(context, found, request) {
    const userId = await userIdOf(context, request, found);
    if (!userId) return { status: 'already-gone' };
    const [segment, methodId] = found.id.split('/') as [string, string];
    return removeOrConfirmGone(
      found.label,
      () => context.graph.delete(`${userPath(userId)}/authentication/${segment}/${encodeURIComponent(methodId)}`),
      async () => (await methodsOf(context.graph, userId)).some((m) => m.id === methodId),
    );
  },
  notRestorable: () => ({ reason: 'deleted authentication methods cannot be restored: the person registers them again' }),
};
