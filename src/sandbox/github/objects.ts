/**
 * Builders for the JSON objects GitHub's REST API returns, with every field its OpenAPI
 * description requires (the tests validate each response against that description).
 */

export interface Api {
  /** e.g. http://127.0.0.1:1234 or http://127.0.0.1:1234/api/v3 */
  base: string;
  web: string;
}

const at = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function simpleUser(api: Api, login: string, id: number, type: 'User' | 'Bot' | 'Organization' = 'User') {
  const url = `${api.base}/users/${login}`;
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `${api.web}/avatars/${login}`,
    gravatar_id: '',
    url,
    html_url: `${api.web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

export function privateUser(api: Api, login: string, id: number, created: Date) {
  return {
    ...simpleUser(api, login, id),
    name: login,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: at(created),
    updated_at: at(created),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

export function organizationSimple(api: Api, login: string, id: number) {
  const url = `${api.base}/orgs/${login}`;
  return {
    login,
    id,
    node_id: Buffer.from(`04:Organization${id}`).toString('base64'),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `${api.web}/avatars/${login}`,
    description: null,
  };
}

export function organizationFull(api: Api, login: string, id: number, created: Date) {
  return {
    ...organizationSimple(api, login, id),
    html_url: `${api.web}/${login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: 'Organization',
    created_at: at(created),
    updated_at: at(created),
    archived_at: null,
  };
}

export function team(api: Api, org: string, slug: string, id: number) {
  const url = `${api.base}/organizations/1/team/${id}`;
  return {
    id,
    node_id: Buffer.from(`04:Team${id}`).toString('base64'),
    url,
    html_url: `${api.web}/orgs/${org}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    type: 'organization',
  };
}

const REPO_URLS: Array<[string, string]> = [
  ['archive_url', '/{archive_format}{/ref}'],
  ['assignees_url', '/assignees{/user}'],
  ['blobs_url', '/git/blobs{/sha}'],
  ['branches_url', '/branches{/branch}'],
  ['collaborators_url', '/collaborators{/collaborator}'],
  ['comments_url', '/comments{/number}'],
  ['commits_url', '/commits{/sha}'],
  ['compare_url', '/compare/{base}...{head}'],
  ['contents_url', '/contents/{+path}'],
  ['contributors_url', '/contributors'],
  ['deployments_url', '/deployments'],
  ['downloads_url', '/downloads'],
  ['events_url', '/events'],
  ['forks_url', '/forks'],
  ['git_commits_url', '/git/commits{/sha}'],
  ['git_refs_url', '/git/refs{/sha}'],
  ['git_tags_url', '/git/tags{/sha}'],
  ['hooks_url', '/hooks'],
  ['issue_comment_url', '/issues/comments{/number}'],
  ['issue_events_url', '/issues/events{/number}'],
  ['issues_url', '/issues{/number}'],
  ['keys_url', '/keys{/key_id}'],
  ['labels_url', '/labels{/name}'],
  ['languages_url', '/languages'],
  ['merges_url', '/merges'],
  ['milestones_url', '/milestones{/number}'],
  ['notifications_url', '/notifications{?since,all,participating}'],
  ['pulls_url', '/pulls{/number}'],
  ['releases_url', '/releases{/id}'],
  ['stargazers_url', '/stargazers'],
  ['statuses_url', '/statuses/{sha}'],
  ['subscribers_url', '/subscribers'],
  ['subscription_url', '/subscription'],
  ['tags_url', '/tags'],
  ['teams_url', '/teams'],
  ['trees_url', '/git/trees{/sha}'],
];

export function minimalRepository(api: Api, org: string, orgId: number, name: string, id: number, isPrivate: boolean) {
  const url = `${api.base}/repos/${org}/${name}`;
  return {
    id,
    node_id: Buffer.from(`010:Repository${id}`).toString('base64'),
    name,
    full_name: `${org}/${name}`,
    owner: simpleUser(api, org, orgId, 'Organization'),
    private: isPrivate,
    html_url: `${api.web}/${org}/${name}`,
    description: null,
    fork: false,
    url,
    ...Object.fromEntries(REPO_URLS.map(([field, suffix]) => [field, `${url}${suffix}`])),
  };
}

export function codespace(api: Api, org: string, orgId: number, owner: { login: string; id: number }, cs: { id: number; name: string; state: string; repo: string; repoId: number; created: Date }) {
  const url = `${api.base}/user/codespaces/${cs.name}`;
  return {
    id: cs.id,
    name: cs.name,
    environment_id: null,
    owner: simpleUser(api, owner.login, owner.id),
    billable_owner: simpleUser(api, org, orgId, 'Organization'),
    repository: minimalRepository(api, org, orgId, cs.repo, cs.repoId, true),
    machine: null,
    prebuild: false,
    created_at: at(cs.created),
    updated_at: at(cs.created),
    last_used_at: at(cs.created),
    state: cs.state,
    url,
    git_status: { ahead: 0, behind: 0, has_unpushed_changes: false, has_uncommitted_changes: false, ref: 'main' },
    location: 'WestEurope',
    idle_timeout_minutes: 30,
    web_url: `https://${cs.name}.github.dev`,
    machines_url: `${url}/machines`,
    start_url: `${url}/start`,
    stop_url: `${url}/stop`,
    pulls_url: null,
    recent_folders: [],
  };
}

export { at as isoSeconds };
