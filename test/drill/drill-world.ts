import { sandboxEnvironment } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { createPostgresOperator, PG_OPERATOR } from '../support/worlds.js';

export interface DrillWorld {
  iam: IamSandbox;
  server: PostgresServer;
  /** The environment revoke runs with: the IAM sandbox's operator and endpoints, REVOKE_PG_URL. */
  env: NodeJS.ProcessEnv;
  close(): Promise<unknown>;
}

/** An IAM sandbox and a throwaway PostgreSQL where revoke connects as its least-privilege operator. */
export async function drillWorld(): Promise<DrillWorld> {
  const [iam, server] = await Promise.all([startIamSandbox(), startPostgres()]);
  await server.sql('CREATE ROLE data_owner NOLOGIN'); // the operator's reassignTo role
  await createPostgresOperator(server);
  return {
    iam,
    server,
    env: { ...sandboxEnvironment(iam), REVOKE_PG_URL: server.url(PG_OPERATOR.user, PG_OPERATOR.password) },
    close: () => Promise.all([iam.close(), server.stop()]),
  };
}
