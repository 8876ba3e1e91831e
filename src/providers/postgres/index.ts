import { InvalidInputError } from '../../errors.js';
import { defineProvider } from '../define.js';
import type { WatchEvent } from '../types.js';
import { postgresContainment } from './contain.js';
import { postgresConfigSchema, postgresStepOptionsSchema, type PostgresConfig } from './config.js';
import { cachedPostgresReads, roleRow, type PostgresContext, type PostgresRequest } from './kind.js';
import { postgresKinds } from './kinds/index.js';
import { CLIENT_ADDRESS } from './kinds/sessions.js';
import { failedLogins } from './server-log.js';

const pgText = (error: unknown) => `${(error as { code?: string }).code ? `${(error as { code: string }).code}: ` : ''}${(error as Error).message}`;

export const postgresProvider = defineProvider<PostgresConfig, PostgresContext, PostgresRequest>({
  type: 'postgres',
  description: 'PostgreSQL roles: live sessions, login, password, memberships, the role itself',
  configSchema: postgresConfigSchema,
  stepOptionsSchema: postgresStepOptionsSchema,
  kinds: postgresKinds,
  modes: {
    names: ['disable', 'delete'],
    default: 'disable',
    descriptions: {
      disable: 'reversible: NOLOGIN, then every live session terminated',
      delete: 'NOLOGIN and sessions first, then password and memberships, then REASSIGN/DROP OWNED and DROP ROLE',
    },
  },
  user: { pattern: /^[^\u0000]{1,63}$/, description: '1-63 characters (any, quoted safely; case-sensitive)', caseInsensitive: false },
  requestOf: ({ user, mode, options }) => ({ role: user, mode: mode === 'delete' ? 'delete' : 'disable', allowSuperuser: options.allowSuperuser === true }),
  errorText: pgText,
  describeUser: (_context, user) => `role ${user}`,
  readOnly: (context) => (context.readOnlyClient ? { ...context, client: context.readOnlyClient } : context),
  // The kinds' reads go out together on the pipelined read-only connection (one round trip), the
  // superuser guard's with them.
  concurrentBeforeDiscover: true,
  containment: postgresContainment,
  // Every kind reads the role's pg_roles row, and two steps for one role read it again: once per
  // run. Connect began it when it was told the run's people (ConnectContext.users).
  withReadCache: (context) => (context.readOnlyClient ? { ...context, readOnlyClient: context.readCache ?? cachedPostgresReads(context.readOnlyClient) } : context),
  async beforeDiscover(context, request) {
    const row = await roleRow(context, request.role);
    if (!row) return 'absent';
    if (row.rolsuper && !request.allowSuperuser) {
      throw new InvalidInputError(`${request.role} is a superuser in ${context.database}; revoke refuses superusers unless the step says so`, 'add allowSuperuser: true to the step if this is really intended');
    }
  },

  async connect(config, context) {
    const { connectPostgres } = await import('./client.js');
    return connectPostgres(config, context);
  },

  async watch(context, { user, since, until }) {
    // There should be none: any session of the role after the revocation is an event.
    // Both reads in one round trip (pipelined).
    const [failed, { rows }] = await Promise.all([
      context.serverLogFile ? failedLogins(context.client, context.serverLogFile, user, since, until) : [],
      context.client.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }>(
        `SELECT pid, application_name, ${CLIENT_ADDRESS} AS client_addr, coalesce(backend_start, now()) AS backend_start FROM pg_stat_activity WHERE usename = $1`,
        [user],
      ),
    ]);
    return {
      events: [
        ...rows.map((r): WatchEvent => ({
        id: `session-${r.pid}-${new Date(r.backend_start).getTime()}`,
        time: new Date(r.backend_start).toISOString(),
        what: `session of ${user} open (${r.application_name || 'unnamed client'} from ${r.client_addr ?? 'local socket'})`,
          outcome: 'open',
        })),
        ...failed,
      ],
    };
  },

  // revoke drill: a canary role with a password and an open session, and probes (loaded only by drills).
  canary: async (context, request) => (await import('./canary.js')).createPostgresCanary(context, request),
  probe: async (credential, signal) => (await import('./probe.js')).probePostgresCredential(credential, signal),

  async disconnect(context) {
    await Promise.all([context.client, context.readOnlyClient].map((client) => client?.end().catch(() => undefined)));
  },
});
