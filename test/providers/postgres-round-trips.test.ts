import { createConnection, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import type { PostgresContext } from '../../src/providers/postgres/kind.js';
import type { Finding } from '../../src/providers/types.js';
import { writeTemp } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { runBin } from '../support/spawn.js';
import { createPostgresOperator, PG_OPERATOR } from '../support/worlds.js';

/**
 * Round trips are counted on the wire: a relay between revoke and PostgreSQL delays what the server
 * sends by LATENCY_MS and records every statement revoke sends (simple Query and Parse messages),
 * with its connection and its flight: how many answers that connection had delivered to revoke
 * before the statement arrived. Two statements of one flight were sent without waiting on an answer
 * between them: one round trip.
 */
const LATENCY_MS = 25;

interface Sent {
  connection: number;
  readOnly: boolean;
  text: string;
  flight: number;
}

async function startWireRelay(targetPort: number) {
  const sent: Sent[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    const connection = ++connections;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => (client.destroy(), upstream.destroy()));
    }
    let delivered = 0;
    let pending = Buffer.alloc(0);
    let readOnly: boolean | undefined;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        // The startup message has no type byte; its parameters say whether this is the read-only connection.
        const typed = readOnly !== undefined;
        const header = typed ? 5 : 4;
        if (pending.length < header) break;
        const length = pending.readInt32BE(typed ? 1 : 0) + (typed ? 1 : 0);
        if (pending.length < length) break;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (!typed) readOnly = message.includes('default_transaction_read_only=on');
        else if (message[0] === 0x51 /* Q */) sent.push({ connection, readOnly: readOnly === true, text: cString(message, 5), flight: delivered });
        else if (message[0] === 0x50 /* P */) sent.push({ connection, readOnly: readOnly === true, text: cString(message, message.indexOf(0, 5) + 1), flight: delivered });
      }
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('data', (chunk: Buffer) =>
      setTimeout(() => {
        delivered += 1;
        client.write(chunk);
      }, LATENCY_MS),
    );
    upstream.on('end', () => setTimeout(() => client.end(), LATENCY_MS));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    sent,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

const cString = (message: Buffer, from: number) => message.toString('utf8', from, message.indexOf(0, from));

let server: PostgresServer;
let relay: Awaited<ReturnType<typeof startWireRelay>>;
const signal = new AbortController().signal;
beforeAll(async () => {
  server = await startPostgres();
  for (const role of ['data_owner', 'analysts', 'readers']) await server.sql(`CREATE ROLE ${role} NOLOGIN`);
  await createPostgresOperator(server);
  relay = await startWireRelay(server.port);
}, 60_000);
afterAll(async () => Promise.all([relay?.close(), server?.stop()]));

const connect = (config: { reassignTo?: string } = { reassignTo: 'data_owner' }) =>
  postgresProvider.connect({ connectionStringEnv: 'URL', ...config }, { instance: 'db', env: { URL: `postgres://${PG_OPERATOR.user}:${PG_OPERATOR.password}@127.0.0.1:${relay.port}/postgres` }, signal });

/** What revoke sent from `mark` on: on its read-only connection, or on the other one (the connected client's). */
const sentSince = (mark: number, readOnly: boolean) => relay.sent.slice(mark).filter((s) => s.readOnly === readOnly);
const flights = (statements: Sent[]) => new Set(statements.map((s) => `${s.connection}/${s.flight}`)).size;

/** A LOGIN role with a password and an open session (not through the relay). */
async function loginRole(name: string, attributes = '') {
  await server.sql(`CREATE ROLE ${name} LOGIN ${attributes} PASSWORD 'secret-pw'`);
  const session = new pg.Client({ connectionString: server.url(name, 'secret-pw') });
  session.on('error', () => {});
  await session.connect();
  return session;
}

const alive = (session: pg.Client) => session.query('SELECT 1').then(
  () => true,
  () => false,
);
const canLogIn = async (role: string) => (await server.sql<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]))[0]?.rolcanlogin;
const step = (user: string, mode: 'disable' | 'delete', kinds: string[], options: Record<string, unknown> = {}) => ({ user, kinds, mode, options, signal });
const findingsOf = (found: Finding[] | { findings: Finding[] }) => (Array.isArray(found) ? found : found.findings);

describe('postgres in few round trips (pipelined connections, measured on the wire)', () => {
  it('connect: who revoke is and whether reassignTo exists in one statement; a missing reassignTo is refused and both connections closed', async () => {
    const mark = relay.sent.length;
    const connection = await connect();
    await postgresProvider.disconnect!(connection.client);
    expect(sentSince(mark, false).map((s) => s.text.split(/\s+/).slice(0, 3).join(' '))).toEqual(['SELECT current_user AS']);
    expect(sentSince(mark, true)).toEqual([]);

    await expect(connect({ reassignTo: 'nobody_here' })).rejects.toThrow(/reassignTo role nobody_here does not exist in postgres/);
    await expect.poll(() => server.sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'revoke'")).toEqual([]);
  });

  it("connect told the run's people reads their role rows beside its own question: containment's guard then sends nothing", async () => {
    const session = await loginRole('prefetched1');
    const mark = relay.sent.length;
    const connection = await postgresProvider.connect(
      { connectionStringEnv: 'URL', reassignTo: 'data_owner' },
      { instance: 'db', env: { URL: `postgres://${PG_OPERATOR.user}:${PG_OPERATOR.password}@127.0.0.1:${relay.port}/postgres` }, signal, users: ['prefetched1', 'nobody_at_all'] },
    );
    try {
      // Queued with the identity question: nothing read on the read-only connection waited for an answer there.
      const identity = sentSince(mark, false);
      const rows = sentSince(mark, true);
      expect(identity.map((s) => s.text.split(/\s+/).slice(0, 3).join(' '))).toEqual(['SELECT current_user AS']);
      expect(rows.map((s) => s.text)).toEqual(['SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', 'SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1']);
      expect(flights(rows)).toBe(1);

      const after = relay.sent.length;
      const reader = postgresProvider.withReadCache!(connection.client) as PostgresContext;
      const contained = await postgresProvider.contain!(reader, step('prefetched1', 'disable', ['login', 'sessions']));
      expect(contained.map((f) => f.kind)).toEqual(['login', 'sessions']);
      expect(await postgresProvider.contain!(reader, step('nobody_at_all', 'disable', ['login', 'sessions']))).toEqual([]);
      expect(relay.sent.slice(after)).toEqual([]);
      expect(await canLogIn('prefetched1')).toBe(true);
    } finally {
      await postgresProvider.disconnect!(connection.client);
      await session.end();
    }
  });

  it('contain: one guard round trip, then NOLOGIN and the termination in one; the session is dead once NOLOGIN answered, and the sessions finding reports it', async () => {
    const session = await loginRole('contained1');
    const connection = await connect();
    try {
      const mark = relay.sent.length;
      const reader = postgresProvider.withReadCache!(connection.client) as PostgresContext;
      const contained = await postgresProvider.contain!(reader, step('contained1', 'disable', ['login', 'sessions']));
      expect(contained.map((f) => [f.kind, f.details])).toEqual([
        ['login', { login: true, endsSessions: true }],
        ['sessions', undefined],
      ]);
      expect(flights(sentSince(mark, true))).toBe(1);

      const sent = relay.sent.length;
      expect(await postgresProvider.revoke(connection.client, contained[0]!, step('contained1', 'disable', []))).toEqual({ status: 'revoked', detail: 'NOLOGIN; 1 session terminated right behind it' });
      const statements = sentSince(sent, false);
      expect(statements.map((s) => s.text)).toEqual([expect.stringMatching(/^ALTER ROLE "contained1" NOLOGIN$/), expect.stringMatching(/^SELECT pg_terminate_backend\(pid\)/)]);
      expect(flights(statements)).toBe(1);
      // The effect: the live session was ended by that one round trip, and the role cannot log in.
      expect(await alive(session)).toBe(false);
      expect(await canLogIn('contained1')).toBe(false);

      expect(await postgresProvider.revoke(connection.client, contained[1]!, step('contained1', 'disable', []))).toEqual({ status: 'revoked', detail: '1 session terminated (together with NOLOGIN)' });
    } finally {
      await postgresProvider.disconnect!(connection.client);
    }
  });

  it('the guard refuses a superuser and an owner without reassignTo before anything is sent on the revoking connection', async () => {
    const superuser = await loginRole('super1', 'SUPERUSER');
    await loginRole('owner2');
    await server.sql('CREATE TABLE owned_by_owner2 (id int)');
    await server.sql('ALTER TABLE owned_by_owner2 OWNER TO owner2');
    const connection = await connect({});
    try {
      const reader = () => postgresProvider.withReadCache!(connection.client) as PostgresContext;
      const mark = relay.sent.length;
      expect(await postgresProvider.contain!(reader(), step('super1', 'disable', ['login', 'sessions']))).toEqual([]);
      await expect(postgresProvider.contain!(reader(), step('owner2', 'delete', ['login', 'sessions', 'password', 'memberships', 'role']))).rejects.toThrow(/role owner2 owns 1 object in postgres \(table public\.owned_by_owner2\); DROP OWNED would delete it/);
      // The owner's guard: its role row and what it owns, read in one round trip.
      const ownerGuard = sentSince(mark, true).filter((s) => s.text.includes('pg_shdepend') || s.text.includes('rolcanlogin'));
      expect(ownerGuard.length).toBeGreaterThanOrEqual(2);
      expect(flights(ownerGuard.slice(-2))).toBe(1);
      expect(sentSince(mark, false)).toEqual([]);
      expect([await canLogIn('super1'), await canLogIn('owner2'), await alive(superuser)]).toEqual([true, true, true]);
    } finally {
      await postgresProvider.disconnect!(connection.client);
      await superuser.end();
    }
  });

  it('a NOLOGIN that fails terminates nothing, though the termination was already on its way', async () => {
    // PostgreSQL 15: only a superuser may alter a REPLICATION role; the operator has CREATEROLE.
    const session = await loginRole('replicator1', 'REPLICATION');
    const connection = await connect();
    try {
      const contained = await postgresProvider.contain!(postgresProvider.withReadCache!(connection.client), step('replicator1', 'disable', ['login', 'sessions']));
      const mark = relay.sent.length;
      await expect(postgresProvider.revoke(connection.client, contained[0]!, step('replicator1', 'disable', []))).rejects.toThrow(/must be superuser/);
      expect(sentSince(mark, false).map((s) => s.text.split(' ')[0])).toEqual(['ALTER', 'SELECT']);
      expect([await alive(session), await canLogIn('replicator1')]).toEqual([true, true]);
    } finally {
      await postgresProvider.disconnect!(connection.client);
      await session.end();
    }
  });

  it("discovery: every kind's read in one round trip on the read-only connection, where a pipelined write still fails", async () => {
    const session = await loginRole('discovered1');
    await server.sql('GRANT analysts TO discovered1');
    await server.sql('CREATE TABLE owned_by_discovered1 (id int)');
    await server.sql('ALTER TABLE owned_by_discovered1 OWNER TO discovered1');
    const connection = await connect();
    try {
      const mark = relay.sent.length;
      const found = findingsOf(await postgresProvider.discover(postgresProvider.withReadCache!(connection.client), step('discovered1', 'delete', ['login', 'sessions', 'password', 'memberships', 'role'])));
      expect(found.map((f) => `${f.kind}/${f.id}`)).toEqual(['login/login', 'sessions/sessions', 'password/password', 'memberships/analysts', 'role/discovered1']);
      const reads = sentSince(mark, true);
      expect(reads.length).toBe(5); // role row, sessions, password, memberships, ownership
      expect(flights(reads)).toBe(1);
      expect(sentSince(mark, false)).toEqual([]);

      // The read-only guarantee holds for pipelined queries: the write between two reads is refused, the reads answer.
      const readOnly = postgresProvider.readOnly(connection.client).client;
      const [before, write, after] = await Promise.allSettled([readOnly.query('SELECT 1 AS ok'), readOnly.query('ALTER ROLE discovered1 NOLOGIN'), readOnly.query('SELECT 2 AS ok')]);
      expect(write).toMatchObject({ status: 'rejected', reason: { code: '25006' } });
      expect([before, after].map((r) => r.status === 'fulfilled' && r.value.rows[0].ok)).toEqual([1, 2]);
      expect(await canLogIn('discovered1')).toBe(true);
    } finally {
      await postgresProvider.disconnect!(connection.client);
      await session.end();
    }
  });

  it('revoke: password and each membership in one round trip, each with its own outcome; the role in two, alone on the connection', async () => {
    await loginRole('tail1');
    await server.sql('GRANT analysts, readers TO tail1');
    await server.sql('CREATE TABLE owned_by_tail1 (id int)');
    await server.sql('ALTER TABLE owned_by_tail1 OWNER TO tail1');
    const connection = await connect();
    try {
      const request = step('tail1', 'delete', ['password', 'memberships', 'role']);
      const found = findingsOf(await postgresProvider.discover(postgresProvider.withReadCache!(connection.client), request));
      // Someone else took one membership away after discovery: that one is already gone, not revoked.
      await server.sql('REVOKE readers FROM tail1');
      const grants = found.filter((f) => f.kind !== 'role');
      let mark = relay.sent.length;
      const outcomes = await Promise.all(grants.map((f) => postgresProvider.revoke(connection.client, f, request)));
      expect(grants.map((f, i) => `${f.kind}/${f.id}: ${outcomes[i]!.status}`)).toEqual(['password/password: revoked', 'memberships/analysts: revoked', 'memberships/readers: already-gone']);
      expect(sentSince(mark, false)).toHaveLength(5); // PASSWORD NULL, and per membership: the check, REVOKE
      expect(flights(sentSince(mark, false))).toBe(1);

      mark = relay.sent.length;
      const dropping = postgresProvider.revoke(connection.client, found.find((f) => f.kind === 'role')!, request);
      // Issued while the transaction is open: held back until it ended, so it runs outside it.
      const meanwhile = connection.client.client.query<{ outside: boolean }>('SELECT pg_current_xact_id_if_assigned() IS NULL AS outside');
      expect(await dropping).toEqual({ status: 'revoked', detail: '1 owned object reassigned to data_owner; role dropped' });
      expect((await meanwhile).rows).toEqual([{ outside: true }]);
      const statements = sentSince(mark, false);
      expect(statements.map((s) => s.text.split(/\s+/)[0])).toEqual(['BEGIN', 'SELECT', 'GRANT', 'SELECT']);
      expect(statements[2]!.text).toMatch(/^GRANT "tail1" TO CURRENT_USER; REASSIGN OWNED BY "tail1" TO "data_owner"; DROP OWNED BY "tail1"; DROP ROLE "tail1"; COMMIT$/);
      expect(new Set(statements.map((s) => s.flight)).size).toBe(3); // BEGIN + re-check, the drop, then the held-back read
      expect(statements[0]!.flight).toBe(statements[1]!.flight);
      expect(await server.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_tail1'")).toEqual([{ tableowner: 'data_owner' }]);
      expect(await canLogIn('tail1')).toBeUndefined();
    } finally {
      await postgresProvider.disconnect!(connection.client);
    }
  });

  it('through the built binary: NOLOGIN and the termination in one round trip, each finding its own outcome, and the process ends', async () => {
    const session = await loginRole('binary1');
    await server.sql('GRANT analysts TO binary1');
    await server.sql('CREATE TABLE owned_by_binary1 (id int)');
    await server.sql('ALTER TABLE owned_by_binary1 OWNER TO binary1');
    const runbook = writeTemp(
      'round-trips.yaml',
      `version: 1
name: round-trips
providers:
  db: { type: postgres, connectionStringEnv: REVOKE_PG_URL, reassignTo: data_owner }
steps:
  - { id: db-contain, provider: db, user: "{{user}}", mode: disable, revoke: [login, sessions] }
  - { id: db-remove, provider: db, user: "{{user}}", mode: delete, revoke: [all], dependsOn: [db-contain] }
`,
    );
    const mark = relay.sent.length;
    const run = await runBin(['user', 'binary1', '-r', runbook, '--yes', '--json'], { env: { REVOKE_PG_URL: `postgres://${PG_OPERATOR.user}:${PG_OPERATOR.password}@127.0.0.1:${relay.port}/postgres` } });
    expect(run.code, run.stderr).toBe(0);
    const outcomes = JSON.parse(run.stdout).steps.flatMap((s: { findings: Array<{ kind: string; id: string; outcome: string; detail?: string }> }) => s.findings.map((f) => `${f.kind}/${f.id}: ${f.outcome}${f.detail ? ` (${f.detail})` : ''}`));
    expect(outcomes).toEqual([
      'login/login: revoked (NOLOGIN; 1 session terminated right behind it)',
      'sessions/sessions: revoked (1 session terminated (together with NOLOGIN))',
      'password/password: revoked (password cleared)',
      'memberships/analysts: revoked',
      'role/binary1: revoked (1 owned object reassigned to data_owner; role dropped)',
    ]);
    const revoking = sentSince(mark, false);
    const nologin = revoking.findIndex((s) => /NOLOGIN$/.test(s.text));
    expect(revoking[nologin + 1]).toMatchObject({ text: expect.stringMatching(/^SELECT pg_terminate_backend/), flight: revoking[nologin]!.flight, connection: revoking[nologin]!.connection });
    expect(await alive(session)).toBe(false);
    expect(await server.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_binary1'")).toEqual([{ tableowner: 'data_owner' }]);
    expect(await canLogIn('binary1')).toBeUndefined();
  });

  it('disconnect closes every connection it opened', async () => {
    const connection = await connect();
    // Polled: backends of the run before may take a moment to go.
    await expect.poll(() => server.sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'revoke'")).toHaveLength(2);
    await postgresProvider.disconnect!(connection.client);
    await expect.poll(() => server.sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'revoke'")).toEqual([]);
  });
});
