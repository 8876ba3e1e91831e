import pg from 'pg';
import { seedGitHubUser, seedOrg, githubSandboxEnvironment } from '../../src/sandbox/github/seed.js';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/server.js';
import { FULL_USER, sandboxEnvironment, sandboxIamClient, seedUser, type DepartingUserSpec } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { EVERYTHING } from './github.js';

/** The role revoke connects to PostgreSQL as: exactly the documented privileges, no superuser. */
export const PG_OPERATOR = { user: 'revoke_operator', password: 'operator-pw-for-tests' };

/**
 * Creates the operator role with what the README documents and nothing more: CREATEROLE,
 * pg_signal_backend, pg_read_all_stats, and membership of the reassignTo role. Returns its URL.
 */
export async function createPostgresOperator(server: PostgresServer, reassignTo = 'data_owner'): Promise<string> {
  await server.sql(`CREATE ROLE ${PG_OPERATOR.user} LOGIN CREATEROLE PASSWORD '${PG_OPERATOR.password}'`);
  await server.sql(`GRANT pg_signal_backend, pg_read_all_stats TO ${PG_OPERATOR.user}`);
  await server.sql(`GRANT ${reassignTo} TO ${PG_OPERATOR.user}`);
  return server.url(PG_OPERATOR.user, PG_OPERATOR.password);
}

/**
 * The three providers' local endpoints at once, for runs of runbooks/demo.yaml through the real
 * binary: the IAM sandbox, the GitHub sandbox (org acme, protected owner org-owner-bot) and a
 * throwaway PostgreSQL cluster that revoke reaches as a non-superuser operator.
 */
export interface ThreeProviders {
  iam: IamSandbox;
  github: GitHubSandbox;
  postgres: PostgresServer;
  /** The environment the binary needs for all three, nothing from the developer's. */
  env: NodeJS.ProcessEnv;
  /** Gives `user` access in all three: IAM credentials, GitHub membership and credentials, a PostgreSQL role with an open session. */
  seed(user: string, options?: { iam?: DepartingUserSpec }): Promise<void>;
  /** What `user` still has: for asserting a run took everything. */
  remaining(user: string): Promise<{ iamUser: boolean; githubMember: boolean; postgresRole: boolean; postgresSessions: number }>;
  close(): Promise<void>;
}

export async function startThreeProviders(options: { iamSeed?: number } = {}): Promise<ThreeProviders> {
  const [iam, github, postgres] = await Promise.all([startIamSandbox({ seed: options.iamSeed ?? 42 }), startGitHubSandbox(), startPostgres()]);
  const token = seedOrg(github, { org: 'acme', operator: 'revoke-bot', owners: ['org-owner-bot'] });
  await postgres.sql('CREATE ROLE data_owner NOLOGIN');
  await postgres.sql('CREATE ROLE analysts NOLOGIN');
  const operatorUrl = await createPostgresOperator(postgres);
  const sessions: pg.Client[] = [];
  const iamClient = sandboxIamClient(iam);
  return {
    iam,
    github,
    postgres,
    env: { ...sandboxEnvironment(iam), ...githubSandboxEnvironment(github, token), DATABASE_URL: operatorUrl },
    async seed(user, seedOptions = {}) {
      await seedUser(iamClient, user, seedOptions.iam ?? FULL_USER);
      seedGitHubUser(github, 'acme', { login: user, ...EVERYTHING });
      const id = user.replace(/"/g, '""');
      await postgres.sql(`CREATE ROLE "${id}" LOGIN PASSWORD 'departing-pw'`);
      await postgres.sql(`GRANT analysts TO "${id}"`);
      await postgres.sql(`CREATE TABLE "${id}_reports" (id int)`);
      await postgres.sql(`ALTER TABLE "${id}_reports" OWNER TO "${id}"`);
      const session = new pg.Client({ connectionString: postgres.url(user, 'departing-pw') });
      session.on('error', () => {});
      await session.connect();
      sessions.push(session);
    },
    async remaining(user) {
      const [role] = await postgres.sql<{ n: string }>('SELECT count(*) AS n FROM pg_roles WHERE rolname = $1', [user]);
      const [live] = await postgres.sql<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [user]);
      return {
        iamUser: iam.state.users.has(user),
        githubMember: github.state.orgs.get('acme')!.members.has(user),
        postgresRole: Number(role!.n) > 0,
        postgresSessions: Number(live!.n),
      };
    },
    async close() {
      await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
      await Promise.all([iam.close(), github.close(), postgres.stop()]);
    },
  };
}
