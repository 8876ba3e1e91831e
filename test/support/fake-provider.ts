import { z } from 'zod';
import { InvalidInputError } from '../../src/errors.js';
import type { Finding, Provider } from '../../src/providers/types.js';

/**
 * A provider for engine and CLI tests only: an in-memory directory of accounts with tokens,
 * memberships and the account itself. It keeps a log of every call, so tests can prove what
 * the engine did (and did not) call, and when.
 */
export interface FakeWorld {
  accounts: Map<string, { tokens: Set<string>; groups: Set<string>; exists: boolean }>;
  calls: FakeCall[];
  /** Milliseconds each discover/revoke call takes. */
  latencyMs: number;
  /** "user:kind" (discover) or "user:kind:id" (revoke) that fail, optionally prefixed "instance/". */
  failing: Set<string>;
  /** Who the provider is connected as (self-lockout guard). */
  selfUser?: string;
  /** connect() fails with this message. */
  connectError?: string;
  /** Milliseconds connect() takes, per provider instance (0 when not listed). */
  connectMs?: Record<string, number>;
  /** connect() of these instances fails (after its connectMs). */
  connectFailing?: Set<string>;
  /** Milliseconds discover() takes, per provider instance, beyond latencyMs. */
  discoverMs?: Record<string, number>;
  /**
   * Per provider instance: its discovery's refusal check answers `afterMs` into discover(). It
   * then says its guards passed (DiscoverRequest.guardsPassed), or refuses the run ('before'); a
   * broken provider ('after') says they passed and still refuses at the end.
   */
  guards?: Record<string, { afterMs: number; refuse?: 'before' | 'after' }>;
}

export interface FakeCall {
  op: 'connect' | 'discover' | 'revoke' | 'guards-passed';
  instance?: string;
  user?: string;
  findingId?: string;
  kind?: string;
  start: number;
  end: number;
}

export function fakeWorld(accounts: Record<string, { tokens?: string[]; groups?: string[] }> = {}): FakeWorld {
  return {
    accounts: new Map(
      Object.entries(accounts).map(([user, a]) => [user, { tokens: new Set(a.tokens ?? []), groups: new Set(a.groups ?? []), exists: true }]),
    ),
    calls: [],
    latencyMs: 0,
    failing: new Set(),
  };
}

const fails = (world: FakeWorld, instance: string, key: string) => world.failing.has(key) || world.failing.has(`${instance}/${key}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FakeClient {
  world: FakeWorld;
  instance: string;
}

export function fakeProvider(world: FakeWorld, type = 'fake'): Provider<{ label?: string }, FakeClient> {
  return {
    type,
    description: 'In-memory directory used by the tests',
    configSchema: z.strictObject({ label: z.string().optional() }),
    stepOptionsSchema: z.object({ note: z.string().optional() }),
    kinds: [
      { name: 'tokens', description: 'API tokens', permissions: ['tokens:delete'], reversible: false },
      { name: 'groups', description: 'group memberships', permissions: ['groups:write'], reversible: true },
      { name: 'account', description: 'the account itself', permissions: ['accounts:delete'], reversible: false },
    ],
    modes: { names: ['disable', 'delete'], default: 'disable', descriptions: { disable: 'reversible', delete: 'for good' } },
    user: { pattern: /^[A-Za-z][A-Za-z0-9._-]{0,31}$/, description: '1-32 letters, digits, ".", "_" or "-", starting with a letter', caseInsensitive: false },
    async connect(_config, context) {
      const start = performance.now();
      if (world.connectError) throw new Error(world.connectError);
      await sleep(world.connectMs?.[context.instance] ?? 0);
      if (world.connectFailing?.has(context.instance)) throw new Error(`${context.instance}: connection refused`);
      world.calls.push({ op: 'connect', instance: context.instance, start, end: performance.now() });
      return { client: { world, instance: context.instance }, actor: `fake:${world.selfUser ?? 'robot'}`, ...(world.selfUser ? { selfUser: world.selfUser } : {}) };
    },
    async discover(client, request) {
      const start = performance.now();
      const guard = world.guards?.[client.instance];
      const total = world.latencyMs + (world.discoverMs?.[client.instance] ?? 0);
      if (guard) {
        await sleep(guard.afterMs);
        if (guard.refuse === 'before') throw new InvalidInputError(`${request.user} is the last owner of ${client.instance}`, 'make someone else an owner first');
        world.calls.push({ op: 'guards-passed', instance: client.instance, user: request.user, start, end: performance.now() });
        request.guardsPassed?.();
      }
      await sleep(Math.max(0, total - (guard?.afterMs ?? 0)));
      if (guard?.refuse === 'after') throw new InvalidInputError(`${request.user} is the last owner of ${client.instance} (found after saying it could not be)`, 'fix the provider');
      for (const kind of request.kinds) {
        if (fails(world, client.instance, `${request.user}:${kind}`)) throw new Error(`listing ${kind} of ${request.user} failed: HTTP 500`);
      }
      world.calls.push({ op: 'discover', instance: client.instance, user: request.user, start, end: performance.now() });
      const account = world.accounts.get(request.user);
      if (!account?.exists) return [];
      const findings: Finding[] = [];
      if (request.kinds.includes('tokens')) for (const t of account.tokens) findings.push({ id: t, kind: 'tokens', label: `token ${t}`, phase: 0 });
      if (request.kinds.includes('groups')) for (const g of account.groups) findings.push({ id: g, kind: 'groups', label: `member of ${g}`, phase: 0 });
      if (request.kinds.includes('account')) findings.push({ id: request.user, kind: 'account', label: `account ${request.user}`, phase: 1 });
      return findings;
    },
    async revoke(client, finding, request) {
      const start = performance.now();
      await sleep(world.latencyMs);
      world.calls.push({ op: 'revoke', instance: client.instance, user: request.user, findingId: finding.id, kind: finding.kind, start, end: performance.now() });
      if (fails(world, client.instance, `${request.user}:${finding.kind}:${finding.id}`)) throw new Error(`deleting ${finding.kind} ${finding.id} failed: HTTP 409 conflict`);
      const account = world.accounts.get(request.user);
      if (!account?.exists) return { status: 'already-gone' };
      const set = finding.kind === 'tokens' ? account.tokens : finding.kind === 'groups' ? account.groups : undefined;
      if (set) return set.delete(finding.id) ? { status: 'revoked' } : { status: 'already-gone' };
      if (account.tokens.size > 0 || account.groups.size > 0) throw new Error(`account ${request.user} still has credentials`);
      account.exists = false;
      return { status: 'revoked' };
    },
  };
}
