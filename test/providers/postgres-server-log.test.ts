import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { runCli, writeTemp } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { reportFiles } from '../support/reports.js';

// A server whose log is not in UTC: a named zone with daylight saving, as most servers run.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres({ logTimezone: 'America/New_York' });
}, 60_000);
afterAll(async () => server?.stop());

describe('revoke watch reads PostgreSQL server-log timestamps in their zone', () => {
  it('a failed login after the revocation, logged in America/New_York time, is seen at the right time', async () => {
    await server.sql("CREATE ROLE leaver LOGIN PASSWORD 'secret-pw'");
    const file = writeTemp(
      'pg.yaml',
      `version: 1\nname: pg-log\nproviders:\n  db:\n    type: postgres\n    connectionStringEnv: REVOKE_PG_URL\n    serverLogFile: ${server.logFile}\nsteps:\n  - id: contain\n    provider: db\n    user: "{{user}}"\n    revoke: [login, sessions]\n`,
    );
    const env = { REVOKE_PG_URL: server.url(server.adminUser, server.adminPassword) };
    const run = await runCli(['user', 'leaver', '-r', file, '--yes'], builtinRegistry(), { env });
    expect(run.code, run.stderr).toBe(0);
    const attempt = new Date();
    const refused = new pg.Client({ connectionString: server.url('leaver', 'secret-pw') });
    await expect(refused.connect()).rejects.toThrow(/not permitted to log in/);
    await new Promise((r) => setTimeout(r, 200));
    const logged = readFileSync(server.logFile, 'utf8').split('\n').filter((l) => l.includes('"leaver" is not permitted'));
    expect(logged.at(-1)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ E[SD]T \[/);
    const report = reportFiles(join(run.scratch, 'reports')).reports[0]!;
    const watched = await runCli(['watch', report, '--key', join(run.scratch, 'revoke', 'signing-key.pub.pem'), '--json'], builtinRegistry(), { env, scratch: run.scratch });
    expect(watched.code, watched.stdout + watched.stderr).toBe(3);
    const event = (JSON.parse(watched.stdout).events as Array<{ time: string; what: string }>).find((e) => e.what.includes('not permitted to log in'));
    expect(event, watched.stdout).toBeDefined();
    expect(Math.abs(new Date(event!.time).getTime() - attempt.getTime())).toBeLessThan(60_000);
  });
});
