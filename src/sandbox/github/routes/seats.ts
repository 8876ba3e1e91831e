import { codespace, isoSeconds, simpleUser, team, type Api } from '../objects.js';
import { HttpError, notFound, org, paginate, requireAdmin, type Route } from '../http.js';
import type { GitHubState, Org } from '../state.js';

/** Codespaces and Copilot seats: what a member's paid seats hold. */
export const seatRoutes: Route[] = [
  ['GET', '/orgs/{org}/members/{username}/codespaces', (state, request) => {
    const o = org(state, request.params.org);
    requireAdmin(o, request.caller, ['admin:org'], ['organization_codespaces', 'read']);
    const mine = o.codespaces.filter((c) => c.owner === request.params.username);
    const page = paginate(request, mine);
    return { status: 200, body: { total_count: mine.length, codespaces: page.map((c) => codespaceBody(request.api, o, state, c)) } };
  }],
  ['POST', '/orgs/{org}/members/{username}/codespaces/{codespace_name}/stop', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['organization_codespaces', 'write'], { hideWith404: true });
    const cs = o.codespaces.find((c) => c.owner === params.username && c.name === params.codespace_name);
    if (!cs) throw notFound();
    cs.state = 'Shutdown';
    return { status: 200, body: codespaceBody(api, o, state, cs) };
  }],
  ['DELETE', '/orgs/{org}/members/{username}/codespaces/{codespace_name}', (state, { params, caller }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['admin:org'], ['organization_codespaces', 'write'], { hideWith404: true });
    const before = o.codespaces.length;
    o.codespaces = o.codespaces.filter((c) => !(c.owner === params.username && c.name === params.codespace_name));
    if (before === o.codespaces.length) throw notFound();
    return { status: 202, body: {} };
  }],
  ['GET', '/orgs/{org}/members/{username}/copilot', (state, { params, caller, api }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['manage_billing:copilot', 'admin:org'], ['organization_copilot_seat_management', 'read']);
    const seat = o.copilotSeats.get(params.username!);
    if (!seat) throw notFound();
    return {
      status: 200,
      body: {
        created_at: isoSeconds(seat.created),
        assignee: simpleUser(api, params.username!, state.user(params.username!).id),
        ...(seat.assigningTeam ? { assigning_team: team(api, o.login, seat.assigningTeam, o.teams.get(seat.assigningTeam)?.id ?? 1) } : {}),
        pending_cancellation_date: null,
        last_activity_at: null,
        last_activity_editor: null,
        plan_type: 'business',
      },
    };
  }],
  ['DELETE', '/orgs/{org}/copilot/billing/selected_users', (state, { params, caller, body }) => {
    const o = org(state, params.org);
    requireAdmin(o, caller, ['manage_billing:copilot', 'admin:org'], ['organization_copilot_seat_management', 'write']);
    const users = Array.isArray(body.selected_usernames) ? (body.selected_usernames as string[]) : [];
    if (users.length === 0) throw new HttpError(422, 'selected_usernames is required');
    const viaTeam = users.filter((u) => o.copilotSeats.get(u)?.assigningTeam);
    if (viaTeam.length > 0) throw new HttpError(422, `Seats for ${viaTeam.join(', ')} are assigned through a team; remove them from the team instead.`);
    let cancelled = 0;
    for (const u of users) if (o.copilotSeats.delete(u)) cancelled++;
    return { status: 200, body: { seats_cancelled: cancelled } };
  }],
];

function codespaceBody(api: Api, o: Org, state: GitHubState, c: Org['codespaces'][number]) {
  const repo = o.repos.get(c.repo);
  return codespace(api, o.login, o.id, { login: c.owner, id: state.user(c.owner).id }, { id: c.id, name: c.name, state: c.state, repo: c.repo, repoId: repo?.id ?? 1, created: c.created });
}
