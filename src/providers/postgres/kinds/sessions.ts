import type { Finding } from '../../types.js';
import { Phase, roleRow, type PostgresContext, type PostgresKind } from '../kind.js';

interface Backend {
  pid: number;
  client_addr: string | null;
  application_name: string;
  backend_start: Date;
}

/**
 * Without pg_read_all_stats, PostgreSQL hides other roles' session details (all NULL): say so
 * rather than call the session local.
 */
export const CLIENT_ADDRESS = "CASE WHEN backend_start IS NULL THEN 'an address hidden from revoke (grant it pg_read_all_stats)' ELSE coalesce(host(client_addr), 'local socket') END";

const backendsOf = async (context: PostgresContext, role: string) =>
  (await context.client.query<Backend>(`SELECT pid, ${CLIENT_ADDRESS} AS client_addr, application_name, backend_start FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()`, [role])).rows;

/**
 * Terminates every backend of the role; returns how many. `onceNologin`: only if the role can no
 * longer log in when the statement runs, so that, pipelined behind NOLOGIN, it ends nothing when
 * NOLOGIN failed (a killed client could come straight back).
 */
export async function terminateSessions(context: PostgresContext, role: string, { onceNologin = false } = {}): Promise<number> {
  const { rows } = await context.client.query<{ terminated: boolean }>(
    `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()${onceNologin ? ' AND NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = $1)' : ''}`,
    [role],
  );
  return rows.filter((r) => r.terminated).length;
}

/** Sessions of a role that can log in, before anyone looked at them: what containment fires first (right after NOLOGIN). */
export const sessionsFinding = (role: string): Finding => ({ id: 'sessions', kind: 'sessions', label: `sessions of ${role} opened before its login is disabled`, phase: Phase.Sessions });

/**
 * Live sessions of the role. Revocation terminates every backend the role has at that moment,
 * including ones opened after discovery; with login also revoked (earlier phase) none can return.
 */
export const sessions: PostgresKind = {
  name: 'sessions',
  description: 'live sessions: every backend of the role terminated (pg_terminate_backend), including ones opened after discovery',
  permissions: ['pg_signal_backend membership (or superuser); pg_read_all_stats to see who holds each session'],
  // A terminated backend cannot be brought back; clients reconnect once the role can log in.
  reversible: false,
  async discover(context, { role }) {
    const [backends, row] = await Promise.all([backendsOf(context, role), roleRow(context, role)]);
    const canLogin = row?.rolcanlogin ?? false;
    if (backends.length === 0 && !canLogin) return [];
    if (backends.length === 0) return [{ ...sessionsFinding(role), details: { open: 0 } }];
    const from = [...new Set(backends.map((b) => b.client_addr ?? 'local socket'))].join(', ');
    return [
      {
        id: 'sessions',
        kind: 'sessions',
        label: `${backends.length} open session${backends.length === 1 ? '' : 's'} of ${role} (from ${from})`,
        phase: Phase.Sessions,
        details: { open: backends.length, ...(backends.length ? { applications: [...new Set(backends.map((b) => b.application_name || '(none)'))].join(', '), oldestSession: new Date(Math.min(...backends.map((b) => new Date(b.backend_start).getTime()))).toISOString() } : {}) },
        ...(backends.length
          ? { warnings: [`${role} has ${backends.length} live session${backends.length === 1 ? '' : 's'} (${[...new Set(backends.map((b) => `${b.application_name || 'unnamed client'} from ${b.client_addr ?? 'local socket'}`))].join('; ')}): terminating ends whatever runs there`] }
          : {}),
      },
    ];
  },
  async revoke(context, _finding, { role }) {
    // Those the login kind already ended in NOLOGIN's round trip are this finding's too; then
    // again, for any that opened while NOLOGIN was committing.
    const withLogin = context.terminatedWithLogin.get(role) ?? 0;
    context.terminatedWithLogin.delete(role);
    const count = withLogin + (await terminateSessions(context, role));
    if (count === 0) return { status: 'already-gone', detail: 'no session open' };
    const together = withLogin === 0 ? '' : withLogin === count ? ' (together with NOLOGIN)' : ` (${withLogin} together with NOLOGIN)`;
    return { status: 'revoked', detail: `${count} session${count === 1 ? '' : 's'} terminated${together}` };
  },
  notRestorable: () => ({ reason: 'terminated sessions cannot be restored: clients reconnect once the role can log in again' }),
};
