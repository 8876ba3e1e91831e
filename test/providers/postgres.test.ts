import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, writeTemp } from '../support/cli.js';
import { runBin } from '../support/spawn.js';
import { reportFiles } from '../support/reports.js';
import { startPgBouncer, startPostgres, type PostgresServer } from '../support/postgres.js';
import { createPostgresOperator, PG_OPERATOR } from '../support/worlds.js';

let server: PostgresServer;
/** revoke connects as a role with exactly the documented privileges, not as a superuser. */
let operatorUrl: (database?: string) => string;
beforeAll(async () => {
  server = await startPostgres();
  await server.sql('CREATE ROLE data_owner NOLOGIN');
  await server.sql('CREATE ROLE analysts NOLOGIN');
  await createPostgresOperator(server);
  operatorUrl = (database) => server.url(PG_OPERATOR.user, PG_OPERATOR.password, database);
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
  db: [revoke_operator]
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

const revoke = (args: string[]) => runCli(args, builtinRegistry(), { env: { REVOKE_PG_URL: operatorUrl() } });

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
      ['login', 'revoked', 'NOLOGIN; 1 session terminated right behind it'],
      ['sessions', 'revoked', '1 session terminated (together with NOLOGIN)'],
    ]);
    expect(json.actors[0].actor).toMatch(/^postgres:revoke_operator@127\.0\.0\.1:\d+\/postgres$/);
  });

  it('terminates sessions opened after discovery too', async () => {
    const { session } = await departing('late');
    const connection = await postgresProvider.connect({ connectionStringEnv: 'URL' }, { instance: 'db', env: { URL: operatorUrl() }, signal: new AbortController().signal });
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
    expect(result.stdout).toMatch(/db-remove: rroe owns 1 object in postgres \(table public\.owned_by_\w+\): they will belong to data_owner/);
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
    const self = await revoke(['user', PG_OPERATOR.user, '-r', runbook(), '--yes']);
    expect(self.code).toBe(2);
  });

  it('without reassignTo, a role that owns objects is refused at discovery (exit 2), before any change', async () => {
    const { session } = await departing('owner1');
    const result = await revoke(['user', 'owner1', '-r', runbook(''), '--yes', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/role owner1 owns 1 object in postgres \(table public\.owned_by_\w+\); DROP OWNED would delete it/);
    expect(result.stderr).toContain('set reassignTo: on the postgres provider');
    expect(await roleExists('owner1')).toBe(true);
    expect(await server.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'owner1'")).toEqual([{ rolcanlogin: true }]);
    expect(await session.query('SELECT 1 AS ok')).toMatchObject({ rows: [{ ok: 1 }] });
    await session.end();
  });

  describe('ownership counted from pg_shdepend: DROP OWNED never deletes what the plan did not list', () => {
    /** A role that owns one of each kind the old catalog list missed, and holds a privilege on a table. */
    async function ownsEverything(name: string) {
      await server.sql(`CREATE ROLE ${name} LOGIN PASSWORD 'secret-pw'`);
      const [{ lo }] = (await server.sql<{ lo: number }>("SELECT lo_from_bytea(0, 'precious large object data') AS lo")) as [{ lo: number }];
      await server.sql(`ALTER LARGE OBJECT ${lo} OWNER TO ${name}`);
      await server.sql(`CREATE TYPE ${name}_mood AS ENUM ('ok')`);
      await server.sql(`ALTER TYPE ${name}_mood OWNER TO ${name}`);
      await server.sql(`CREATE TYPE ${name}_pair AS (a int, b int)`);
      await server.sql(`ALTER TYPE ${name}_pair OWNER TO ${name}`);
      await server.sql(`CREATE DOMAIN ${name}_positive AS int CHECK (VALUE > 0)`);
      await server.sql(`ALTER DOMAIN ${name}_positive OWNER TO ${name}`);
      await server.sql(`CREATE TABLE ${name}_events (at date) PARTITION BY RANGE (at)`);
      await server.sql(`ALTER TABLE ${name}_events OWNER TO ${name}`);
      await server.sql(`CREATE PUBLICATION ${name}_pub`);
      await server.sql(`ALTER PUBLICATION ${name}_pub OWNER TO ${name}`);
      await server.sql('CREATE FOREIGN DATA WRAPPER test_fdw');
      await server.sql(`CREATE SERVER ${name}_remote FOREIGN DATA WRAPPER test_fdw`);
      await server.sql(`ALTER SERVER ${name}_remote OWNER TO ${name}`);
      // PostgreSQL's own rules for handing these over, as a non-superuser operator: the new owner
      // of a publication needs CREATE on the database, of a foreign server USAGE on its wrapper.
      await server.sql('GRANT CREATE ON DATABASE postgres TO data_owner');
      await server.sql(`GRANT USAGE ON FOREIGN DATA WRAPPER test_fdw TO data_owner`);
      await server.sql(`CREATE TABLE IF NOT EXISTS shared_facts (id int)`);
      await server.sql(`GRANT SELECT, INSERT ON shared_facts TO ${name}`);
      return lo;
    }
    const lobOwner = async (lo: number) => (await server.sql<{ owner: string }>('SELECT pg_get_userbyid(lomowner) AS owner FROM pg_largeobject_metadata WHERE oid = $1', [lo]))[0]?.owner;

    /** Delete-mode discovery of just the role kind, through the provider API, keeping the connection open for revoke. */
    async function discoverRole(user: string) {
      const connection = await postgresProvider.connect({ connectionStringEnv: 'URL', reassignTo: 'data_owner' }, { instance: 'db', env: { URL: operatorUrl() }, signal: new AbortController().signal });
      const request = { user, kinds: ['role'], mode: 'delete', options: {}, signal: new AbortController().signal };
      const found = await postgresProvider.discover(connection.client, request);
      return { connection, request, finding: (Array.isArray(found) ? found : found.findings)[0]! };
    }

    it('lists a large object, types, a domain, a partitioned table, a publication and a foreign server; refuses them without reassignTo', async () => {
      const lo = await ownsEverything('lobby');
      const refused = await revoke(['user', 'lobby', '-r', runbook(''), '--yes']);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain('role lobby owns 7 objects in postgres');
      for (const what of [`large object ${lo}`, 'type public.lobby_mood', 'type public.lobby_pair', 'type public.lobby_positive', 'table public.lobby_events', 'publication lobby_pub', 'server lobby_remote']) expect(refused.stderr).toContain(what);
      expect(await lobOwner(lo)).toBe('lobby');
      expect(await server.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'lobby'")).toEqual([{ rolcanlogin: true }]);

      const planned = await revoke(['user', 'lobby', '-r', runbook(), '--dry-run', '--json']);
      expect(planned.code, planned.stderr).toBe(0);
      const role = JSON.parse(planned.stdout).steps[1].findings.find((f: { kind: string }) => f.kind === 'role');
      expect(role.label).toContain('owns 7: ');
      expect(role.label).toContain('its privileges on 1 object revoked');
      expect(role.details).toMatchObject({ owned: 7, privileges: 1 });

      // lobby holds a privilege the table's owner granted: DROP OWNED run by a CREATEROLE operator
      // revokes only what that operator may revoke, so DROP ROLE fails and everything rolls back.
      const limited = await revoke(['user', 'lobby', '-r', runbook(), '--yes', '--json']);
      expect(limited.code).toBe(1);
      expect(JSON.parse(limited.stdout).steps[1].findings.find((f: { kind: string }) => f.kind === 'role').error).toContain('cannot be dropped because some objects depend on it');
      expect(await roleExists('lobby')).toBe(true);
      expect(await lobOwner(lo)).toBe('lobby');
      // A superuser (as the README says for this case) can.
      const done = await runCli(['user', 'lobby', '-r', runbook(), '--yes'], builtinRegistry(), { env: { REVOKE_PG_URL: server.url(server.adminUser, server.adminPassword) } });
      expect(done.code, done.stderr).toBe(0);
      expect(await roleExists('lobby')).toBe(false);
      expect(await lobOwner(lo)).toBe('data_owner');
      expect(await server.sql(`SELECT convert_from(lo_get(${lo}), 'UTF8') AS data`)).toEqual([{ data: 'precious large object data' }]);
      expect(await server.sql("SELECT pg_get_userbyid(srvowner) AS owner FROM pg_foreign_server WHERE srvname = 'lobby_remote'")).toEqual([{ owner: 'data_owner' }]);
    });

    it('re-checks at revoke time: an object acquired after discovery is refused, nothing changed', async () => {
      await server.sql("CREATE ROLE later LOGIN PASSWORD 'secret-pw'");
      const { connection, request, finding } = await discoverRole('later');
      try {
        expect(finding.details).toMatchObject({ owned: 0 });
        const [{ lo }] = (await server.sql<{ lo: number }>("SELECT lo_from_bytea(0, 'new data') AS lo")) as [{ lo: number }];
        await server.sql(`ALTER LARGE OBJECT ${lo} OWNER TO later`);
        await expect(postgresProvider.revoke(connection.client, finding, request)).rejects.toThrow(/now owns 1 object in postgres \(large object \d+\), not the 0 objects the plan showed/);
        expect(await roleExists('later')).toBe(true);
        expect(await lobOwner(lo)).toBe('later');
      } finally {
        await postgresProvider.disconnect!(connection.client);
      }
    });

    it('re-checks what, not only how many: one owned object swapped for another after discovery is refused', async () => {
      await server.sql("CREATE ROLE swapper LOGIN PASSWORD 'secret-pw'");
      const [{ lo: first }] = (await server.sql<{ lo: number }>("SELECT lo_from_bytea(0, 'first') AS lo")) as [{ lo: number }];
      await server.sql(`ALTER LARGE OBJECT ${first} OWNER TO swapper`);
      const { connection, request, finding } = await discoverRole('swapper');
      try {
        expect(finding.details).toMatchObject({ owned: 1 });
        await server.sql(`ALTER LARGE OBJECT ${first} OWNER TO data_owner`);
        const [{ lo: second }] = (await server.sql<{ lo: number }>("SELECT lo_from_bytea(0, 'second') AS lo")) as [{ lo: number }];
        await server.sql(`ALTER LARGE OBJECT ${second} OWNER TO swapper`);
        await expect(postgresProvider.revoke(connection.client, finding, request)).rejects.toThrow(`now owns 1 object in postgres (large object ${second}), not the 1 object the plan showed`);
        expect(await roleExists('swapper')).toBe(true);
        expect(await lobOwner(second)).toBe('swapper');
      } finally {
        await postgresProvider.disconnect!(connection.client);
      }
    });

    it('objects in another database: listed, and the failing DROP ROLE rolls back the reassignment here', async () => {
      await server.sql("CREATE ROLE spread LOGIN PASSWORD 'secret-pw'");
      await server.sql('CREATE TABLE spread_here (id int)');
      await server.sql('ALTER TABLE spread_here OWNER TO spread');
      await server.sql('CREATE DATABASE elsewhere');
      const other = new pg.Client({ connectionString: server.url(server.adminUser, server.adminPassword, 'elsewhere') }); // the world's setup, as admin
      await other.connect();
      try {
        await other.query('CREATE TABLE kept_there (id int)');
        await other.query('ALTER TABLE kept_there OWNER TO spread');
      } finally {
        await other.end();
      }
      const result = await revoke(['user', 'spread', '-r', runbook(), '--yes', '--json', '--only', 'db-remove']);
      expect(result.code).toBe(1);
      const role = JSON.parse(result.stdout).steps[0].findings.find((f: { kind: string }) => f.kind === 'role');
      expect(role.label).toContain('owns 2: table public.spread_here, 1 object in database elsewhere; reassigned to data_owner');
      expect(role.error).toMatch(/cannot be dropped because some objects depend on it/);
      expect(await roleExists('spread')).toBe(true);
      expect(await server.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'spread_here'")).toEqual([{ tableowner: 'spread' }]);
    });
  });

  it('a saved plan applies only to the database it was made against: another database is refused with the diff, nothing changed', async () => {
    await server.sql("CREATE ROLE planned LOGIN PASSWORD 'secret-pw'");
    await server.sql('CREATE DATABASE second_db');
    const scratch = mkdtempSync(join(tmpdir(), 'revoke-plan-pg-'));
    const file = runbook();
    const plan = join(scratch, 'planned.plan.json');
    const reviewed = { REVOKE_PG_URL: operatorUrl() };
    const made = await runCli(['user', 'planned', '-r', file, '--dry-run', '--plan-out', plan], builtinRegistry(), { env: reviewed, scratch });
    expect(made.code, made.stderr).toBe(0);
    const report = ['--report', join(scratch, 'reports')];
    const elsewhere = await runCli(['apply', plan, '--yes', ...report], builtinRegistry(), { env: { REVOKE_PG_URL: operatorUrl('second_db') }, scratch });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`the plan ${plan} was made against other systems than revoke is connected to now; nothing was done`);
    expect(elsewhere.stderr).toMatch(/db: planned against postgres:revoke_operator@127\.0\.0\.1:\d+\/postgres\n\s+connected as\s+postgres:revoke_operator@127\.0\.0\.1:\d+\/second_db/);
    expect(elsewhere.stderr).not.toContain(server.adminPassword);
    expect(await server.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'planned'")).toEqual([{ rolcanlogin: true }]);
    const applied = await runCli(['apply', plan, '--yes', ...report], builtinRegistry(), { env: reviewed, scratch });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await roleExists('planned')).toBe(false);
  });

  it('apply treats a change in what a role owns as drift: the reviewer never saw it reassigned', async () => {
    await departing('grower');
    const scratch = mkdtempSync(join(tmpdir(), 'revoke-plan-pg-'));
    const plan = join(scratch, 'grower.plan.json');
    const env = { REVOKE_PG_URL: operatorUrl() };
    const made = await runCli(['user', 'grower', '-r', runbook(), '--dry-run', '--plan-out', plan], builtinRegistry(), { env, scratch });
    expect(made.code, made.stderr).toBe(0);
    const [{ lo }] = (await server.sql<{ lo: number }>("SELECT lo_from_bytea(0, 'acquired later') AS lo")) as [{ lo: number }];
    await server.sql(`ALTER LARGE OBJECT ${lo} OWNER TO grower`);
    const applied = await runCli(['apply', plan, '--yes', '--report', join(scratch, 'reports')], builtinRegistry(), { env, scratch });
    expect(applied.code).toBe(2);
    expect(applied.stderr).toContain('the plan is stale');
    expect(applied.stderr).toMatch(/db-remove: - role grower itself \(owns 1: table public\.owned_by_\w+; reassigned to data_owner\) \(planned, no longer there\)/);
    expect(applied.stderr).toContain(`db-remove: + role grower itself (owns 2: large object ${lo}, table public.`);
    expect(await server.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'grower'")).toEqual([{ rolcanlogin: true }]);
  });

  it('a missing connection string is bad input naming the variable, with no secret', async () => {
    const result = await runCli(['user', 'x', '-r', runbook(), '--dry-run'], builtinRegistry(), { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: REVOKE_PG_URL is not set (connection string of provider db)');
    const wrong = await runCli(['user', 'x', '-r', runbook(), '--dry-run'], builtinRegistry(), { env: { REVOKE_PG_URL: server.url(PG_OPERATOR.user, 'wrong-password-123') } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('cannot connect to PostgreSQL for provider db');
    expect(wrong.stderr).not.toContain('wrong-password-123');
  });

  it('through PgBouncer (the built binary): refused before any query, saying why (the read-only startup option) and to connect to the server itself', async () => {
    const bouncer = await startPgBouncer(server, [PG_OPERATOR]);
    try {
      const { session } = await departing('pooled_leaver');
      await session.end();
      const result = await runBin(['user', 'pooled_leaver', '-r', runbook(), '--yes'], { env: { REVOKE_PG_URL: bouncer.url(PG_OPERATOR.user, PG_OPERATOR.password) } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('error: cannot connect to PostgreSQL for provider db: the server refused the startup parameter "options" (a connection pooler such as PgBouncer answers this way)');
      expect(result.stderr).toContain('fix: point the connection string at PostgreSQL itself, not at the pooler');
      expect(result.stderr).not.toContain(PG_OPERATOR.password);
      // Nothing changed: the role still logs in.
      expect((await server.sql<{ rolcanlogin: boolean }>("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'pooled_leaver'"))[0]!.rolcanlogin).toBe(true);
    } finally {
      bouncer.stop();
    }
  });
});
