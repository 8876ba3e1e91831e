import { createServer, type Server } from 'node:http';
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitHubContext, GitHubRequest } from '../../src/providers/github/kind.js';
import { codespaces } from '../../src/providers/github/kinds/codespaces.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A GitHub API that answers 404 to stop and delete, and `listStatus` to listing the person's codespaces. */
async function githubAnswering(listStatus: number): Promise<{ baseUrl: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const list = req.method === 'GET' && /\/orgs\/acme\/members\/jdoe\/codespaces/.test(req.url ?? '');
    const status = list ? listStatus : 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? { total_count: 0, codespaces: [] } : { message: status === 404 ? 'Not Found' : 'Must have admin rights to Repository.', status: String(status) }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}`, seen };
}

/** Octokit logs every 4xx; these ones are the point of the test. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const request: GitHubRequest = { user: 'jdoe', recentMs: 0, repos: undefined, scanRepos: false, email: undefined };
const finding = { id: 'jdoe-space-1', kind: 'codespaces', label: 'codespace jdoe-space-1', phase: 0 };

describe('codespaces: the 404 re-check', () => {
  it('a failing re-check is an error, never "already gone"', async () => {
    const { baseUrl, seen } = await githubAnswering(403);
    const context: GitHubContext = { octokit: new Octokit({ baseUrl, log: quiet }), org: 'acme', auth: 'token', canSeeMembers: true, perPage: 100 };
    await expect(codespaces.revoke(context, finding, request)).rejects.toMatchObject({ status: 403 });
    expect(seen).toContain('GET /orgs/acme/members/jdoe/codespaces?per_page=100');
  });

  it('an empty re-check (or a 404 to it) confirms "already gone"', async () => {
    for (const status of [200, 404]) {
      const { baseUrl } = await githubAnswering(status);
      const context: GitHubContext = { octokit: new Octokit({ baseUrl, log: quiet }), org: 'acme', auth: 'token', canSeeMembers: true, perPage: 100 };
      expect(await codespaces.revoke(context, finding, request)).toEqual({ status: 'already-gone' });
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });
});
