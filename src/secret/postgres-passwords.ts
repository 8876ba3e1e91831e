import { errorMessage, RevokeError } from '../errors.js';
import type { PlannedProvider } from '../runbook/resolve.js';
import type { ClassifiedSecret } from './classify.js';
import { revokeFindings, takenOf, type ProviderTarget } from './revoke-findings.js';
import { notRevoked, refused, type PlannedSecret, type SecretContext, type SecretHandler, type SecretOutcome } from './plan.js';

/**
 * PostgreSQL connection strings with a password: the runbook's postgres provider connected to the
 * same server (host, port) and database takes it: the postgres provider's password kind sets the
 * role's password to NULL and its sessions kind terminates the role's backends. Its superuser
 * refusal, protect lists and the self-lockout guard apply.
 */
export const postgresPasswords: SecretHandler = {
  types: ['postgres-url'],

  async plan(secrets, context) {
    const planned: PlannedSecret[] = [];
    // One connection per instance, queries in order: one secret after another.
    for (const secret of secrets) {
      try {
        planned.push(await planUrl(secret, context));
      } catch (error) {
        planned.push({ secret, what: 'PostgreSQL password', actions: [], warnings: [], settled: { status: 'failed', detail: `identifying it failed: ${errorMessage(error)}` } });
      }
    }
    return planned;
  },

  async revoke(planned, context) {
    const outcomes: SecretOutcome[] = [];
    for (const p of planned) outcomes.push(p.settled ?? (await revokeFindings(p.target as ProviderTarget, context)));
    return outcomes;
  },
};

async function planUrl(secret: ClassifiedSecret, context: SecretContext): Promise<PlannedSecret> {
  if (secret.classified.type !== 'postgres-url') throw new Error('not a PostgreSQL URL');
  const { host, port, database, role } = secret.classified;
  const base = { secret, what: `PostgreSQL password of role ${role} on ${host}:${port}/${database}`, warnings: [] as string[] };
  const instance = await matchingInstance(secret.classified, context);
  if (!instance) return { ...base, actions: [], settled: notRevoked(`no postgres provider of the runbook is connected to ${host}:${port}/${database}`) };
  const where = { provider: instance.name, owner: `role ${role}` };
  const connection = await context.providers.connect(instance);
  if (connection.selfUser === role) return { ...base, ...where, actions: [], settled: refused(`${role} is the role revoke itself connects as on ${instance.name}: clearing its password would lock revoke out`) };
  if (context.providers.isProtected(instance.name, role)) return { ...base, ...where, actions: [], settled: refused(`role ${role} is protected by the runbook (protect: ${instance.name})`) };
  const provider = context.providers.provider('postgres');
  context.count('postgres:discover');
  let discovery;
  try {
    discovery = await provider.discover(connection.client, { user: role, kinds: ['password', 'sessions'], mode: 'delete', options: {}, signal: context.signal });
  } catch (error) {
    // The provider's own refusal (a superuser) is worded for the operator.
    if (error instanceof RevokeError) return { ...base, ...where, actions: [], settled: refused(error.message) };
    throw error;
  }
  const findings = Array.isArray(discovery) ? discovery : discovery.findings;
  if (findings.length === 0) return { ...base, ...where, actions: [], settled: { status: 'already-gone', detail: `role ${role} has no password and no session (or does not exist)` } };
  const target: ProviderTarget = { instance, user: role, mode: 'delete', options: {}, findings };
  return {
    ...base,
    ...where,
    actions: findings.map((f) => (f.kind === 'password' ? `PASSWORD NULL: ${f.label}` : `terminate ${f.label}`)),
    warnings: findings.flatMap((f) => f.warnings ?? []),
    target,
    taken: takenOf(target),
  };
}

/** The postgres instance whose connection reached the URL's server and database. */
async function matchingInstance(url: { host: string; port: number; database: string }, context: SecretContext): Promise<PlannedProvider | undefined> {
  for (const instance of context.providers.ofType('postgres')) {
    const connection = await context.providers.connect(instance).catch(() => undefined);
    // "postgres:<me>@<host>:<port>/<db>" as the provider's connect() names itself.
    const actor = connection && /^postgres:.*@(.*):(\d*)\/(.*)$/.exec(connection.actor);
    if (!actor) continue;
    const [, host, port, database] = actor as unknown as [string, string, string, string];
    if (sameHost(host, url.host) && Number(port || 5432) === url.port && database === url.database) return instance;
  }
  return undefined;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', 'local']);
const sameHost = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() || (LOOPBACK.has(a.toLowerCase()) && LOOPBACK.has(b.toLowerCase()));
