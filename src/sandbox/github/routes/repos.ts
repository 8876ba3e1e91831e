import { isoSeconds, minimalRepository, simpleUser } from '../objects.js';
import { HttpError, notFound, org, paginate, requireAdmin, type Route } from '../http.js';

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
  // A member gets access at once (204); anyone else an invitation to accept (201), as on GitHub.
  ['PUT', '/repos/{owner}/{repo}/collaborators/{username}', (state, { params, caller, body, api }) => {
    const o = org(state, params.owner);
    const repo = o.repos.get(params.repo!);
    if (!repo) throw notFound();
    requireAdmin(o, caller, ['repo'], ['administration', 'write'], { hideWith404: true });
    const login = params.username!;
    const user = state.users.get(login);
    if (!user) throw notFound();
    const permission = (body.permission as string | undefined) ?? 'push';
    const role = ({ pull: 'read', push: 'write', triage: 'triage', maintain: 'maintain', admin: 'admin' } as Record<string, string>)[permission];
    if (!role) throw new HttpError(422, `Validation Failed: permission ${permission}`);
    if (repo.collaborators.has(login) || o.members.has(login)) {
      repo.collaborators.set(login, role);
      return { status: 204 };
    }
    const invitation = { id: state.id(), login, permission: role, created: new Date() };
    repo.invitations = [...(repo.invitations ?? []).filter((i) => i.login !== login), invitation];
    const inviter = caller.kind === 'user' ? caller.login : [...o.members.keys()][0]!;
    return {
      status: 201,
      body: {
        id: invitation.id,
        node_id: Buffer.from(`020:RepositoryInvitation${invitation.id}`).toString('base64'),
        repository: minimalRepository(api, o.login, o.id, params.repo!, repo.id, repo.private),
        invitee: simpleUser(api, login, user.id),
        inviter: simpleUser(api, inviter, state.user(inviter).id),
        permissions: role,
        created_at: isoSeconds(invitation.created),
        expired: false,
        url: `${api.base}/user/repository_invitations/${invitation.id}`,
        html_url: `${api.web}/${o.login}/${params.repo}/invitations`,
      },
    };
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
