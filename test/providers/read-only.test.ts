import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineProvider, type ProviderKind } from '../../src/providers/define.js';
import { awsIamProvider } from '../../src/providers/aws-iam/index.js';
import { githubProvider } from '../../src/providers/github/index.js';
import { oktaProvider } from '../../src/providers/okta/index.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import type { Provider } from '../../src/providers/types.js';
import { githubWorld, seedUser } from '../support/github.js';
import { oktaWorld, seedPerson } from '../support/okta.js';
import { iamWorld } from '../support/iam.js';
import { sandboxEnvironment } from '../../src/sandbox/iam/seed.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

const signal = new AbortController().signal;
const REFUSED = /refused .*: discovery, presence and watch get a read-only client/;

/**
 * A provider whose discover, presence and watch each try to mutate through the client they are
 * handed, built with the real provider's connection and read-only view.
 */
function mutatingProvider<Context>(real: Provider<any, Context> & { readOnly(context: Context): Context }, mutate: (context: Context) => Promise<unknown>) {
  const kind: ProviderKind<Context, { user: string }> = {
    name: 'evil',
    description: 'deletes in discovery',
    permissions: [],
    reversible: false,
    async discover(context) {
      await mutate(context);
      return [];
    },
    revoke: async () => ({ status: 'revoked' }),
  };
  return defineProvider<unknown, Context, { user: string }>({
    type: 'evil',
    description: 'a provider that mutates where it must not',
    configSchema: z.unknown(),
    user: { pattern: /.*/, description: 'anything', caseInsensitive: false },
    kinds: [kind],
    requestOf: ({ user }) => ({ user }),
    errorText: (error) => String(error),
    describeUser: (_context, user) => user,
    readOnly: (context) => real.readOnly(context),
    connect: () => Promise.reject(new Error('not used')),
    presence: async (context) => {
      await mutate(context);
      return () => true;
    },
    watch: async (context) => {
      await mutate(context);
      return { events: [] };
    },
  });
}

async function expectEveryReadPathRefused<Context>(provider: ReturnType<typeof mutatingProvider<Context>>, client: Context, refused = REFUSED) {
  await expect(provider.discover(client, { user: 'victim', kinds: ['evil'], mode: undefined, options: {}, signal })).rejects.toThrow(refused);
  await expect(provider.presence!(client, { kinds: ['evil'], options: {}, signal })).rejects.toThrow(refused);
  await expect(provider.watch!(client, { user: 'victim', revoked: [], since: new Date() })).rejects.toThrow(refused);
}

describe('discovery, presence and watch get clients that cannot mutate', () => {
  it('aws-iam: a DeleteUser from discovery is refused before it is sent; the user survives', async () => {
    const world = await iamWorld();
    try {
      await world.seed('victim', { accessKeys: 1 });
      const connection = await awsIamProvider.connect({}, { instance: 'aws', env: sandboxEnvironment(world.sandbox), signal });
      const before = world.sandbox.requests.length;
      const evil = mutatingProvider(awsIamProvider, async (context) => {
        await context.iam.listAccessKeys({ UserName: 'victim' }); // reads pass
        await context.iam.deleteAccessKey({ UserName: 'victim', AccessKeyId: (await context.iam.listAccessKeys({ UserName: 'victim' })).AccessKeyMetadata![0]!.AccessKeyId! });
      });
      await expectEveryReadPathRefused(evil, connection.client);
      const sent = world.sandbox.requests.slice(before);
      expect(sent.filter((r) => r.action === 'ListAccessKeys').length).toBeGreaterThan(0);
      expect(sent.filter((r) => r.mutating)).toEqual([]);
      expect(world.sandbox.state.users.get('victim')!.accessKeys).toHaveLength(1);
      // The same connection still revokes: only the read-only view refuses.
      const found = await awsIamProvider.discover(connection.client, { user: 'victim', kinds: ['access-keys'], mode: 'delete', options: {}, signal });
      const findings = Array.isArray(found) ? found : found.findings;
      expect(await awsIamProvider.revoke(connection.client, findings[0]!, { user: 'victim', mode: 'delete', options: {}, signal })).toMatchObject({ status: 'revoked' });
    } finally {
      await world.sandbox.close();
    }
  });

  it('github: only GET leaves the read-only client; a DELETE from discovery is refused, the member stays', async () => {
    const world = await githubWorld();
    seedUser(world, 'victim');
    const connection = await githubProvider.connect({ org: 'acme', baseUrl: world.sandbox.url, writeIntervalMs: 0 }, { instance: 'gh', env: { GITHUB_TOKEN: world.token }, signal });
    const before = world.sandbox.exchanges.length;
    const evil = mutatingProvider(githubProvider, async (context) => {
      await context.octokit.rest.orgs.getMembershipForUser({ org: 'acme', username: 'victim' });
      await context.octokit.rest.orgs.removeMember({ org: 'acme', username: 'victim' });
    });
    await expectEveryReadPathRefused(evil, connection.client);
    const sent = world.sandbox.exchanges.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((e) => e.method !== 'GET')).toEqual([]);
    const membership = await connection.client.octokit.rest.orgs.getMembershipForUser({ org: 'acme', username: 'victim' });
    expect(membership.data.state).toBe('active');
  });

  it('okta: only GET leaves the read-only client; a DELETE from discovery is refused, the sessions stay', async () => {
    const world = await oktaWorld();
    const victim = seedPerson(world, 'victim@acme.test', { signedIn: true });
    const connection = await oktaProvider.connect({ orgUrl: world.sandbox.url }, { instance: 'okta', env: { OKTA_API_TOKEN: world.org.token }, signal });
    const before = world.sandbox.exchanges.length;
    const evil = mutatingProvider(oktaProvider, async (context) => {
      await context.http.get(`/api/v1/users/${victim.user.id}`);
      await context.http.send('DELETE', `/api/v1/users/${victim.user.id}/sessions`);
    });
    await expectEveryReadPathRefused(evil, connection.client);
    const sent = world.sandbox.exchanges.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((e) => e.method !== 'GET')).toEqual([]);
    expect(world.sandbox.state.sessions.filter((s) => s.userId === victim.user.id)).toHaveLength(1);
  });

  describe('postgres', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
      await server.sql("CREATE ROLE victim LOGIN PASSWORD 'x'");
    }, 60_000);
    afterAll(async () => server?.stop());

    it('discovery runs in READ ONLY transactions: an ALTER ROLE from discovery is refused by the server', async () => {
      const connection = await postgresProvider.connect({ connectionStringEnv: 'URL' }, { instance: 'db', env: { URL: server.url(server.adminUser, server.adminPassword) }, signal });
      try {
        const evil = mutatingProvider(postgresProvider, async (context) => {
          await context.client.query('SELECT 1');
          await context.client.query('ALTER ROLE victim NOLOGIN');
        });
        // The server refuses it: SQLSTATE 25006, "cannot execute ALTER ROLE in a read-only transaction".
        await expectEveryReadPathRefused(evil, connection.client, /cannot execute ALTER ROLE in a read-only transaction/);
        expect(await server.sql('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', ['victim'])).toEqual([{ rolcanlogin: true }]);
        // The revoke path (the engine's) still changes it.
        const found = await postgresProvider.discover(connection.client, { user: 'victim', kinds: ['login'], mode: 'disable', options: {}, signal });
        const findings = Array.isArray(found) ? found : found.findings;
        expect(await postgresProvider.revoke(connection.client, findings[0]!, { user: 'victim', mode: 'disable', options: {}, signal })).toMatchObject({ status: 'revoked' });
        expect(await server.sql('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', ['victim'])).toEqual([{ rolcanlogin: false }]);
      } finally {
        await postgresProvider.disconnect!(connection.client);
      }
    });
  });
});
