import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import { join } from 'node:path';
import { runCli, writeTemp } from '../support/cli.js';
import { reportFiles } from '../support/reports.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
  await server.sql('CREATE ROLE data_owner NOLOGIN');
  await server.sql('CREATE ROLE analysts NOLOGIN');
}, 60_000);
afterAll(async () => server?.stop());

const runbook = (reassign = '\n    reassignTo: data_owner') =>
  writeTemp(
    'postgres.yaml',
    `version: 1
name: pg-test
vars:
  pg_role: "{{user}}"
providers:
  db:
    type: postgres
    connectionStringEnv: REVOKE_PG_URL${reassign}
protect:
  db: [revoke_admin]
steps:
  - id: db-contain
    provider: db
    user: "{{vars.pg_role}}"
    mode: disable
    revoke: [login, sessions]
  - id: db-remove
    provider: db
    user: "{{vars.pg_role}}"
    mode: delete
    revoke: [all]
    dependsOn: [db-contain]
`,
  );

const revoke = (args: string[]) => runCli(args, builtinRegistry(), { env: { REVOKE_PG_URL: server.url(server.adminUser, server.adminPassword) } });

/** A role that can log in, with a password, a membership and a table it owns; and a session held open by it. */
async function departing(name: string, quoted = name.replace(/"/g, '""')) {
  await server.sql(`CREATE ROLE "${quoted}" LOGIN PASSWORD 'secret-pw'`);
  await server.sql(`GRANT analysts TO "${quoted}"`);
  const table = `owned_by_${Math.random().toString(36).slice(2, 8)}`;
  await server.sql(`CREATE TABLE ${table} (id int)`);
  await server.sql(`ALTER TABLE ${table} OWNER TO "${quoted}"`);
  const session = new pg.Client({ connectionString: server.url(name, 'secret-pw') });
  session.on('error', () => {});
  await session.connect();
  return { table, session };
}

const roleExists = async (name: string) => (await server.sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).length === 1;

describe('postgres provider against a real PostgreSQL server', () => {
  it('a real run kills the live session, and the role cannot reconnect', async () => {
    const { session } = await departing('jdoe');
    const result = await revoke(['user', 'jdoe', '-r', runbook(), '--yes', '--json', '--only', 'db-contain']);
    expect(result.code, result.stderr).toBe(0);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    const again = new pg.Client({ connectionString: server.url('jdoe', 'secret-pw') });
    await expect(again.connect()).rejects.toThrow(/not permitted to log in/);
    const json = JSON.parse(result.stdout);
    expect(json.steps[0].findings.map((f: { kind: string; outcome: string; detail?: string }) => [f.kind, f.outcome, f.detail])).toEqual([
      ['login', 'revoked', 'NOLOGIN'],
      ['sessions', 'revoked', '1 session terminated'],
    ]);
    expect(json.actors[0].actor).toMatch(/^postgres:revoke_admin@127\.0\.0\.1:\d+\/postgres$/);
  });

  it('terminates sessions opened after discovery too', async () => {
    const { session } = await departing('late');
    const connection = await postgresProvider.connect({ connectionStringEnv: 'URL' }, { instance: 'db', env: { URL: server.url(server.adminUser, server.adminPassword) }, signal: new AbortController().signal });
    try {
      const found = await postgresProvider.discover(connection.client, { user: 'late', kinds: ['sessions'], mode: 'disable', options: {}, signal: new AbortController().signal });
      const finding = (Array.isArray(found) ? found : found.findings)[0]!;
      expect(finding.label).toContain('1 open session of late');
      const lateSession = new pg.Client({ connectionString: server.url('late', 'secret-pw') });
      lateSession.on('error', () => {});
      await lateSession.connect();
      const outcome = await postgresProvider.revoke(connection.client, finding, { user: 'late', mode: 'disable', options: {}, signal: new AbortController().signal });
      expect(outcome).toEqual({ status: 'revoked', detail: '2 sessions terminated' });
      await expect(session.query('SELECT 1')).rejects.toThrow();
      await expect(lateSession.query('SELECT 1')).rejects.toThrow();
    } finally {
      await postgresProvider.disconnect!(connection.client);
    }
  });

  it('revoke watch reports failed logins from the server log and sessions still open', async () => {
    const { session } = await departing('wwatch');
    const withLog = runbook(`\n    reassignTo: data_owner\n    serverLogFile: ${server.logFile}`);
    const run = await revoke(['user', 'wwatch', '-r', withLog, '--yes', '--only', 'db-contain']);
    expect(run.code, run.stderr).toBe(0);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    const report = reportFiles(join(run.scratch, 'reports')).reports[0]!;
    const pub = join(run.scratch, 'revoke', 'signing-key.pub.pem');
    const quiet = await revoke(['watch', report, '--key', pub]);
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    // They try again: refused (NOLOGIN), and the server log says so.
    const refused = new pg.Client({ connectionString: server.url('wwatch', 'secret-pw') });
    await expect(refused.connect()).rejects.toThrow(/not permitted to log in/);
    const fromLog = await revoke(['watch', report, '--key', pub]);
    expect(fromLog.code).toBe(3);
    expect(fromLog.stdout).toMatch(/db wwatch: failed login: role "wwatch" is not permitted to log in \[denied\]/);
    // A session that is open again (someone restored LOGIN) is reported too.
    await server.sql('ALTER ROLE wwatch LOGIN');
    const again = new pg.Client({ connectionString: server.url('wwatch', 'secret-pw') });
    again.on('error', () => {});
    await again.connect();
    const watched = await revoke(['watch', report, '--key', pub]);
    expect(watched.code).toBe(3);
    expect(watched.stdout).toMatch(/db wwatch: session of wwatch open \(unnamed client from 127\.0\.0\.1\) \[open\]/);
    await again.end();
  });

  it('a dry run leaves sessions, login and memberships alone', async () => {
    const { session } = await departing('rroe');
    const result = await revoke(['user', 'rroe', '-r', runbook(), '--dry-run', '--detailed-exitcode']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('1 open session of rroe (from 127.0.0.1)');
    expect(result.stdout).toContain('db-contain: rroe has 1 live session (unnamed client from 127.0.0.1): terminating ends whatever runs there');
    expect(result.stdout).toMatch(/db-remove: rroe owns 1 object in postgres: they will belong to data_owner/);
    expect(await session.query('SELECT 1 AS ok')).toMatchObject({ rows: [{ ok: 1 }] });
    expect(await server.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'rroe'")).toEqual([{ rolcanlogin: true }]);
    expect(await server.sql("SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'rroe'")).toHaveLength(1);
    await session.end();
  });

  it('delete mode revokes memberships, reassigns owned tables to reassignTo and drops the role; a second run finds nothing', async () => {
    const { table, session } = await departing('mmiller');
    const result = await revoke(['user', 'mmiller', '-r', runbook(), '--yes', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(await roleExists('mmiller')).toBe(false);
    expect(await server.sql(`SELECT tableowner FROM pg_tables WHERE tablename = $1`, [table])).toEqual([{ tableowner: 'data_owner' }]);
    const remove = JSON.parse(result.stdout).steps[1];
    expect(remove.findings.find((f: { kind: string }) => f.kind === 'role').label).toContain(`owns 1: table public.${table}; reassigned to data_owner`);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    const again = await revoke(['user', 'mmiller', '-r', runbook(), '--yes', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).totals.findings).toBe(0);
  });

  it('handles a hostile role name safely: quoted, never injected', async () => {
    const hostile = 'a"; DROP TABLE victims; --';
    await server.sql('CREATE TABLE victims (id int)');
    const { table } = await departing(hostile);
    const result = await revoke(['user', 'hostile', '-r', runbook(), '--yes', '--set', `pg_role=${hostile}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(await roleExists(hostile)).toBe(false);
    expect(await server.sql("SELECT 1 FROM pg_tables WHERE tablename = 'victims'")).toHaveLength(1);
    expect(await server.sql(`SELECT tableowner FROM pg_tables WHERE tablename = $1`, [table])).toEqual([{ tableowner: 'data_owner' }]);
  });

  it('refuses a superuser (unless the step allows it) and itself, before any change', async () => {
    await server.sql("CREATE ROLE dba2 SUPERUSER LOGIN PASSWORD 'x'");
    const superuser = await revoke(['user', 'dba2', '-r', runbook(), '--yes']);
    expect(superuser.code).toBe(2);
    expect(superuser.stderr).toContain('error: dba2 is a superuser in postgres; revoke refuses superusers unless the step says so');
    expect(await server.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dba2'")).toEqual([{ rolcanlogin: true }]);
    const self = await revoke(['user', 'revoke_admin', '-r', runbook(), '--yes']);
    expect(self.code).toBe(2);
  });

  it('without reassignTo, a role that owns objects fails with what to set, and is not dropped', async () => {
    await departing('owner1');
    const result = await revoke(['user', 'owner1', '-r', runbook(''), '--yes', '--json']);
    expect(result.code).toBe(1);
    const role = JSON.parse(result.stdout).steps[1].findings.find((f: { kind: string }) => f.kind === 'role');
    expect(role.error).toBe('role owner1 of role owner1: role owner1 owns 1 object in postgres; set reassignTo: on the provider to hand them over before the role is dropped');
    expect(await roleExists('owner1')).toBe(true);
  });

  it('a missing connection string is bad input naming the variable, with no secret', async () => {
    const result = await runCli(['user', 'x', '-r', runbook(), '--dry-run'], builtinRegistry(), { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: REVOKE_PG_URL is not set (connection string of provider db)');
    const wrong = await runCli(['user', 'x', '-r', runbook(), '--dry-run'], builtinRegistry(), { env: { REVOKE_PG_URL: server.url(server.adminUser, 'wrong-password-123') } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('cannot connect to PostgreSQL for provider db');
    expect(wrong.stderr).not.toContain('wrong-password-123');
  });
});
