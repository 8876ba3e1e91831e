import { InvalidInputError } from '../../errors.js';
import type { Finding, Provider, WatchEvent } from '../types.js';
import { postgresConfigSchema, postgresStepOptionsSchema, type PostgresConfig } from './config.js';
import { roleRow, type PostgresContext, type PostgresKind, type PostgresRequest } from './kind.js';
import { postgresKinds } from './kinds/index.js';
import { CLIENT_ADDRESS } from './kinds/sessions.js';
import { failedLogins } from './server-log.js';

const kindsByName = new Map(postgresKinds.map((kind) => [kind.name, kind]));
const kindOf = (name: string): PostgresKind => {
  const kind = kindsByName.get(name);
  if (!kind) throw new Error(`postgres has no revoke kind ${name}`);
  return kind;
};

function requestOf(role: string, mode: string | undefined, options: Record<string, unknown>): PostgresRequest {
  return { role, mode: mode === 'delete' ? 'delete' : 'disable', allowSuperuser: options.allowSuperuser === true };
}

const pgText = (error: unknown) => `${(error as { code?: string }).code ? `${(error as { code: string }).code}: ` : ''}${(error as Error).message}`;

export const postgresProvider: Provider<PostgresConfig, PostgresContext> = {
  type: 'postgres',
  description: 'PostgreSQL roles: live sessions, login, password, memberships, the role itself',
  configSchema: postgresConfigSchema,
  stepOptionsSchema: postgresStepOptionsSchema,
  kinds: postgresKinds.map(({ name, description, permissions, reversible }) => ({ name, description, permissions, reversible })),
  modes: {
    names: ['disable', 'delete'],
    default: 'disable',
    descriptions: {
      disable: 'reversible: NOLOGIN, then every live session terminated',
      delete: 'NOLOGIN and sessions first, then password and memberships, then REASSIGN/DROP OWNED and DROP ROLE',
    },
  },
  user: { pattern: /^[^\u0000]{1,63}$/, description: '1-63 characters (any, quoted safely; case-sensitive)', caseInsensitive: false },

  async connect(config, context) {
    const { connectPostgres } = await import('./client.js');
    return connectPostgres(config, context);
  },

  async watch(context, { user, since, until }) {
    // There should be none: any session of the role after the revocation is an event.
    const failed = context.serverLogFile ? await failedLogins(context.client, context.serverLogFile, user, since, until) : [];
    const { rows } = await context.client.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }>(
      `SELECT pid, application_name, ${CLIENT_ADDRESS} AS client_addr, coalesce(backend_start, now()) AS backend_start FROM pg_stat_activity WHERE usename = $1`,
      [user],
    );
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

  async disconnect(context) {
    await context.client.end().catch(() => undefined);
  },

  async discover(context, { user, kinds, mode, options }) {
    const request = requestOf(user, mode, options);
    const row = await roleRow(context, user);
    if (!row) return [];
    if (row.rolsuper && !request.allowSuperuser) {
      throw new InvalidInputError(`${user} is a superuser in ${context.database}; revoke refuses superusers unless the step says so`, 'add allowSuperuser: true to the step if this is really intended');
    }
    // One connection: reading kinds one after another keeps the queries in order.
    const findings: Finding[] = [];
    for (const name of kinds) {
      try {
        findings.push(...(await kindOf(name).discover(context, request)));
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        throw new Error(`listing ${name} of role ${user}: ${pgText(error)}`);
      }
    }
    return findings;
  },

  async revoke(context, finding, { user, mode, options }) {
    try {
      return await kindOf(finding.kind).revoke(context, finding, requestOf(user, mode, options));
    } catch (error) {
      throw new Error(`${finding.kind} ${finding.id} of role ${user}: ${error instanceof Error && !('code' in error) ? error.message : pgText(error)}`);
    }
  },
};
