import { defineProvider } from '../define.js';
import { DEFAULT_RECENT_MS } from '../types.js';
import { githubContainment } from './contain.js';
import { githubConfigSchema, githubStepOptionsSchema, type GitHubConfig } from './config.js';
import { githubErrorText, type GitHubContext, type GitHubRequest } from './kind.js';
import { githubKinds } from './kinds/index.js';

export const githubProvider = defineProvider<GitHubConfig, GitHubContext, GitHubRequest>({
  type: 'github',
  description: 'a GitHub organization: SSO authorizations, token grants, codespaces, Copilot, invitations, collaborators, membership',
  configSchema: githubConfigSchema,
  stepOptionsSchema: githubStepOptionsSchema,
  kinds: githubKinds,
  basePermissions: ['token: read:org (who am I, org members); App: Members (read)'],
  user: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    description: '1-39 letters, digits or single hyphens, not starting or ending with a hyphen (GitHub logins, case-insensitive)',
    caseInsensitive: true,
  },
  requestOf: ({ user, options, recentMs }) => ({
    user,
    recentMs: recentMs ?? DEFAULT_RECENT_MS,
    repos: options.repos as string[] | undefined,
    scanRepos: options.scanRepos === true,
    email: options.email as string | undefined,
  }),
  errorText: githubErrorText,
  describeUser: (context, user) => `${user} in ${context.org}`,
  readOnly: (context) => (context.readOnlyOctokit ? { ...context, octokit: context.readOnlyOctokit } : context),
  containment: githubContainment,
  // Discover once: a run's containment and discovery read through the cache connect began.
  withReadCache: (context) => (context.readCache ? { ...context, octokit: context.readCache, readOnlyOctokit: context.readCache } : context),
  stepWarnings: (context, request, kinds) =>
    request.scanRepos && kinds.includes('repo-collaborator')
      ? [`scanRepos lists the direct collaborators of every repository in ${context.org}: at least one request per repository, paced by GitHub's rate limits`]
      : [],

  async connect(config, context) {
    const { connectGitHub } = await import('./client.js');
    return connectGitHub(config, context);
  },

  // Nothing to close (HTTP), but connect's reads of the people may still be on their way (a run
  // refused at connect): they answer first, for a second at most (one held by a rate limit would
  // otherwise hold up the refusal's message).
  async disconnect(context) {
    await Promise.race([context.prefetched, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  },

  async watch(context, { user, since, until }) {
    const { octokit, org } = context;
    const phrase = `actor:${user} created:>=${since.toISOString().slice(0, 19)}${until ? ` created:<=${until.toISOString().slice(0, 19)}` : ''}`;
    try {
      const entries = (await octokit.paginate('GET /orgs/{org}/audit-log', { org, phrase, per_page: 100 })) as Array<{ _document_id?: string; action?: string; '@timestamp'?: number; created_at?: number }>;
      return {
        events: entries.map((e, i) => {
          const time = new Date(e['@timestamp'] ?? e.created_at ?? 0).toISOString();
          return { id: e._document_id ?? `${time}-${i}`, time, what: `GitHub audit log: ${e.action ?? 'event'} by ${user}`, outcome: 'allowed' as const };
        }),
      };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404 || status === 403) return { events: [], skipped: `the ${org} audit log is not available to these credentials (GitHub Enterprise Cloud, admin:org or read:audit_log needed; HTTP ${status})` };
      throw error;
    }
  },

  async presence(context, { kinds }) {
    // Every github kind needs the person to be a member, an outside collaborator or invited:
    // three paginated lists, matched locally, cover an audit of any number of people.
    const { octokit, org, perPage } = context;
    const lists = Promise.all([
      octokit.paginate(octokit.rest.orgs.listMembers, { org, per_page: perPage }),
      kinds.some((k) => k === 'outside-collaborator' || k === 'repo-collaborator') ? octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, per_page: perPage }) : [],
      kinds.includes('invitations') ? octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: perPage }) : [],
    ]);
    const [members, outside, invited] = await lists.catch((error: unknown) => {
      throw new Error(`listing the members, outside collaborators and invitations of ${org}: ${githubErrorText(error)}`);
    });
    const present = new Set([...members, ...outside].map((u) => u.login.toLowerCase()));
    for (const invitation of invited) if (invitation.login) present.add(invitation.login.toLowerCase());
    return (user) => present.has(user.toLowerCase());
  },

  // revoke drill: the canary is a test account whose token comes from the environment (loaded only by drills).
  canary: async (context, request) => (await import('./canary.js')).githubCanary(context, request),
  probe: async (credential, signal) => (await import('./probe.js')).probeGitHubCredential(credential, signal),
});
