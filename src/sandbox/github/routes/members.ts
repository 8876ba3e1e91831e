import { isoSeconds, organizationFull, organizationSimple, privateUser, simpleUser, team } from '../objects.js';
import { HttpError, integrationDenied, notFound, org, paginate, requireAdmin, requireMemberRead, type Route } from '../http.js';
import type { Api } from '../objects.js';
import type { GitHubState, Org } from '../state.js';

function invitationObject(state: GitHubState, api: Api, o: Org, i: Org['invitations'][number]) {
  return {
    id: i.id,
    login: i.login,
    email: i.email,
    role: i.role,
    created_at: isoSeconds(i.created),
    inviter: simpleUser(api, i.inviter, state.user(i.inviter).id),
    team_count: i.teamIds?.length ?? 0,
    node_id: Buffer.from(`04:OrganizationInvitation${i.id}`).toString('base64'),
    invitation_teams_url: `${api.base}/organizations/${o.id}/invitations/${i.id}/teams`,
  };
}

/** The user, the org, members and memberships, teams, outside collaborators and invitations. */
export const memberRoutes: Route[] = [
  ['GET', '/user', (state, { caller, api }) => {
    if (caller.kind !== 'user') throw integrationDenied();
    const user = state.user(caller.login);
    return { status: 200, body: privateUser(api, caller.login, user.id, user.created) };
  }],
  ['GET', '/users/{username}', (state, { params, api }) => {
    const user = state.users.get(params.username!);
    if (!user) throw notFound();
    const { private_gists: _a, total_private_repos: _b, owned_private_repos: _c, disk_usage: _d, collaborators: _e, two_factor_authentication: _f, ...publicUser } = privateUser(api, params.username!, user.id, user.created);
    return { status: 200, body: publicUser };
  }],
  ['GET', '/orgs/{org}', (state, { params, api }) => {
    const o = org(state, params.org);
    return { status: 200, body: organizationFull(api, o.login, o.id, o.created) };
  }],
  ['GET', '/orgs/{org}/members', (state, request) => {
    const o = org(state, request.params.org);
    requireMemberRead(o, request.caller);
    const role = request.query.role ?? 'all';
    const logins = [...o.members].filter(([, m]) => role === 'all' || m.role === role).map(([login]) => login);
    return { status: 200, body: paginate(request, logins).map((login) => simpleUser(request.api, login, state.user(login).id)) };
  }],
  ['GET', '/orgs/{org}/members/{username}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireMemberRead(o, caller);
    return { status: o.members.has(params.username!) ? 204 : 404 };
  }],
  ['GET', '/orgs/{org}/memberships/{username}', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireMemberRead(o, caller);
    const member = o.members.get(params.username!);
    if (!member) throw notFound();
    return {
      status: 200,
      body: {
        url: `${api.base}/orgs/${o.login}/memberships/${params.username}`,
        state: 'active',
        role: member.role,
        organization_url: `${api.base}/orgs/${o.login}`,
        organization: organizationSimple(api, o.login, o.id),
        user: simpleUser(api, params.username!, state.user(params.username!).id),
      },
    };
  }],
  ['DELETE', '/orgs/{org}/memberships/{username}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    if (!o.members.delete(params.username!)) throw notFound();
    for (const t of o.teams.values()) t.members.delete(params.username!);
    o.copilotSeats.delete(params.username!);
    o.credentialAuthorizations = o.credentialAuthorizations.filter((c) => c.login !== params.username);
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/teams', (state, request) => {
    const o = org(state, request.params.org);
    requireMemberRead(o, request.caller);
    return { status: 200, body: paginate(request, [...o.teams]).map(([slug, t]) => team(request.api, o.login, slug, t.id)) };
  }],
  ['GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireMemberRead(o, caller);
    const t = o.teams.get(params.team_slug!);
    if (!t || !t.members.has(params.username!)) throw notFound();
    return { status: 200, body: { url: `${api.base}/teams/${t.id}/memberships/${params.username}`, role: 'member', state: 'active' } };
  }],
  ['GET', '/orgs/{org}/outside_collaborators', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org', 'read:org'], ['members', 'read']);
    return { status: 200, body: paginate(request, [...o.outsideCollaborators]).map((login) => simpleUser(request.api, login, state.user(login).id)) };
  }],
  ['DELETE', '/orgs/{org}/outside_collaborators/{username}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    if (!o.outsideCollaborators.delete(params.username!)) throw notFound();
    for (const repo of o.repos.values()) repo.collaborators.delete(params.username!);
    return { status: 204 };
  }],
  ['GET', '/orgs/{org}/invitations', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org'], ['members', 'read']);
    return {
      status: 200,
      body: paginate(request, o.invitations).map((i) => invitationObject(state, request.api, o, i)),
    };
  }],
  // Inviting by user id with a role and teams: how `revoke restore` re-grants a removed membership.
  ['POST', '/orgs/{org}/invitations', (state, { params, caller, body, api }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write']);
    const invitee = [...state.users].find(([, u]) => u.id === body.invitee_id);
    if (!invitee && typeof body.email !== 'string') throw new HttpError(422, 'Validation Failed: invitee_id or email is required');
    if (invitee && o.members.has(invitee[0])) throw new HttpError(422, `Validation Failed: ${invitee[0]} is already a member`);
    const role = (body.role as string | undefined) ?? 'direct_member';
    if (!['admin', 'direct_member', 'billing_manager', 'reinstate'].includes(role)) throw new HttpError(422, `Validation Failed: role ${role}`);
    const teamIds = (body.team_ids as number[] | undefined) ?? [];
    if (teamIds.some((id) => ![...o.teams.values()].some((t) => t.id === id))) throw new HttpError(422, 'Validation Failed: team_ids names a team that does not exist');
    const inviter = caller.kind === 'user' ? caller.login : [...o.members.keys()][0]!;
    const invitation = { id: state.id(), login: invitee?.[0] ?? null, email: invitee ? null : (body.email as string), role: role === 'reinstate' ? 'direct_member' : role, created: new Date(), inviter, teamIds };
    o.invitations.push(invitation);
    return { status: 201, body: invitationObject(state, api, o, invitation) };
  }],
  ['DELETE', '/orgs/{org}/invitations/{invitation_id}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['members', 'write'], { hideWith404: true });
    const before = o.invitations.length;
    o.invitations = o.invitations.filter((i) => String(i.id) !== params.invitation_id);
    if (o.invitations.length === before) throw notFound();
    return { status: 204 };
  }],
];
