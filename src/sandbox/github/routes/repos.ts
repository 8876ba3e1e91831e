import { minimalRepository, simpleUser } from '../objects.js';
import { notFound, org, paginate, requireAdmin, type Route } from '../http.js';

/** Org repositories and their direct collaborators. */
export const repositoryRoutes: Route[] = [
  ['GET', '/orgs/{org}/repos', (state, request) => {
    const o = org(state, request.params.org);
    if (request.caller.kind === 'user' && !o.members.has(request.caller.login)) throw notFound();
    return { status: 200, body: paginate(request, [...o.repos]).map(([name, r]) => minimalRepository(request.api, o.login, o.id, name, r.id, r.private)) };
  }],
  ['GET', '/repos/{owner}/{repo}/collaborators', (state, request) => {
    const o = org(state, request.params.owner);
    const repo = o.repos.get(request.params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, request.caller, ['repo'], ['administration', 'read'], { hideWith404: true });
    const direct = [...repo.collaborators].filter(([login]) => request.query.affiliation !== 'outside' || o.outsideCollaborators.has(login));
    return { status: 200, body: paginate(request, direct).map(([login, role]) => ({ ...simpleUser(request.api, login, state.user(login).id), role_name: role })) };
  }],
  ['GET', '/repos/{owner}/{repo}/collaborators/{username}', (state, { params, caller }) => {
    const o = org(state, params.owner);
    const repo = o.repos.get(params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, caller, ['repo'], ['administration', 'read'], { hideWith404: true });
    return { status: repo.collaborators.has(params.username!) ? 204 : 404 };
  }],
  ['DELETE', '/repos/{owner}/{repo}/collaborators/{username}', (state, { params, caller }) => {
    const o = org(state, params.owner);
    const repo = o.repos.get(params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, caller, ['repo'], ['administration', 'write'], { hideWith404: true });
    if (!repo.collaborators.delete(params.username!)) throw notFound();
    return { status: 204 };
  }],
];
