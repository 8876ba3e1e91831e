import { isoSeconds } from '../objects.js';
import { HttpError, notFound, type Route } from '../http.js';

/** GitHub App installation tokens, minted with the app's JWT. */
export const appRoutes: Route[] = [
  ['POST', '/app/installations/{installation_id}/access_tokens', (state, { params, caller }) => {
    if (caller.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
    const installation = state.apps.get(caller.appId)?.installations.get(Number(params.installation_id));
    if (!installation) throw notFound();
    const token = `ghs_sandbox${state.id()}${'x'.repeat(24)}`;
    const expires = new Date(Date.now() + 3600_000);
    state.installationTokens.set(token, { appId: caller.appId, installationId: Number(params.installation_id), expires });
    return { status: 201, body: { token, expires_at: isoSeconds(expires), permissions: installation.permissions, repository_selection: 'all' } };
  }],
];
