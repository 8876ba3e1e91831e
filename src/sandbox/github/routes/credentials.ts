import { isoSeconds, simpleUser, type Api } from '../objects.js';
import { HttpError, notFound, org, paginate, requireAdmin, type Route } from '../http.js';
import type { GitHubState, Org } from '../state.js';

/** SAML credential authorizations, fine-grained personal access token grants and requests. */
export const credentialRoutes: Route[] = [
  ['GET', '/orgs/{org}/credential-authorizations', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org', 'read:org'], ['members', 'read']);
    if (!o.samlSso) throw new HttpError(404, 'SAML SSO is not enabled for this organization');
    const login = request.query.login;
    const list = o.credentialAuthorizations.filter((c) => !login || c.login === login);
    return {
      status: 200,
      body: paginate(request, list).map((c) => ({
        login: c.login,
        credential_id: c.credential_id,
        credential_type: c.credential_type,
        credential_authorized_at: isoSeconds(c.authorized),
        credential_accessed_at: c.accessed ? isoSeconds(c.accessed) : null,
        authorized_credential_id: null,
        ...(c.token_last_eight ? { token_last_eight: c.token_last_eight } : {}),
        ...(c.scopes ? { scopes: c.scopes } : {}),
      })),
    };
  }],
  ['DELETE', '/orgs/{org}/credential-authorizations/{credential_id}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    const before = o.credentialAuthorizations.length;
    o.credentialAuthorizations = o.credentialAuthorizations.filter((c) => String(c.credential_id) !== params.credential_id);
    if (before === o.credentialAuthorizations.length) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/personal-access-tokens', (state, request) => {
    const o = org(state, request.params.org);
    if (request.caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, request.caller, [], ['organization_personal_access_tokens', 'read']);
    const owners = [request.query['owner[]'] ?? []].flat();
    const grants = o.patGrants.filter((g) => owners.length === 0 || owners.includes(g.owner));
    return { status: 200, body: paginate(request, grants).map((g) => patBody(request.api, o, state, g, { access_granted_at: isoSeconds(g.granted), token_last_used_at: g.lastUsed ? isoSeconds(g.lastUsed) : null })) };
  }],
  ['POST', '/orgs/{org}/personal-access-tokens/{pat_id}', (state, { params, caller, body }) => {
    const o = org(state, params.org);
    if (caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, caller, [], ['organization_personal_access_tokens', 'write']);
    if (body.action !== 'revoke') throw new HttpError(422, 'action must be revoke');
    const before = o.patGrants.length;
    o.patGrants = o.patGrants.filter((g) => String(g.id) !== params.pat_id);
    if (before === o.patGrants.length) throw notFound();
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/personal-access-token-requests', (state, request) => {
    const o = org(state, request.params.org);
    if (request.caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, request.caller, [], ['organization_personal_access_token_requests', 'read']);
    const owners = [request.query['owner[]'] ?? []].flat();
    const pending = o.patRequests.filter((r) => owners.length === 0 || owners.includes(r.owner));
    return { status: 200, body: paginate(request, pending).map((r) => patBody(request.api, o, state, r, { created_at: isoSeconds(r.created), reason: r.reason })) };
  }],
  ['POST', '/orgs/{org}/personal-access-token-requests/{pat_request_id}', (state, { params, caller, body }) => {
    const o = org(state, params.org);
    if (caller.kind === 'user') throw new HttpError(403, 'Resource not accessible by personal access token');
    requireAdmin(o, caller, [], ['organization_personal_access_token_requests', 'write']);
    if (body.action !== 'deny' && body.action !== 'approve') throw new HttpError(422, 'action must be approve or deny');
    const before = o.patRequests.length;
    o.patRequests = o.patRequests.filter((r) => String(r.id) !== params.pat_request_id);
    if (before === o.patRequests.length) throw notFound();
    return { status: 204 };
  }],
];

function patBody(api: Api, o: Org, state: GitHubState, pat: { id: number; owner: string; token_id: number; token_name: string }, extra: Record<string, unknown>) {
  return {
    id: pat.id,
    owner: simpleUser(api, pat.owner, state.user(pat.owner).id),
    repository_selection: 'all',
    repositories_url: `${api.base}/organizations/${o.id}/personal-access-tokens/${pat.id}/repositories`,
    permissions: { organization: {}, repository: { contents: 'read' }, other: {} },
    token_id: pat.token_id,
    token_name: pat.token_name,
    token_expired: false,
    token_expires_at: null,
    token_last_used_at: null,
    ...extra,
  };
}
