import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError } from '../../src/errors.js';
import { defineProvider, type ProviderKind } from '../../src/providers/define.js';
import { awsIamProvider } from '../../src/providers/aws-iam/index.js';
import { entraIdProvider } from '../../src/providers/entra-id/index.js';
import { githubProvider } from '../../src/providers/github/index.js';
import { googleWorkspaceProvider } from '../../src/providers/google-workspace/index.js';
import { oktaProvider } from '../../src/providers/okta/index.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';

// With --yes a step's removals start once every step's discovery said its guards passed
// (DiscoverRequest.guardsPassed): defineProvider says so once beforeDiscover and every kind
// marked `mayRefuse` have answered. A kind that can refuse but is not marked would let removals
// elsewhere begin before its refusal: these tests hold the marks to the code.

const providers = [awsIamProvider, entraIdProvider, githubProvider, googleWorkspaceProvider, oktaProvider, postgresProvider];
const folders: Record<string, string> = { 'aws-iam': 'aws-iam', 'entra-id': 'entra-id', github: 'github', 'google-workspace': 'google-workspace', okta: 'okta', postgres: 'postgres' };
/** What a kind module's discovery refuses with: the worded error, or a shared refusal helper. */
const REFUSES = /new InvalidInputError\(|\b(?:guard|refuse)[A-Z]\w*\(/;

describe('kinds that can refuse a run say so (mayRefuse)', () => {
  it.each(providers.map((p) => [p.type, p] as const))('%s', (type, provider) => {
    const dir = join('src/providers', folders[type]!, 'kinds');
    const refusing = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .filter((source) => REFUSES.test(discoverPart(source)))
      .map((source) => /\n\s+name: '([a-z-]+)',/.exec(source)![1]!);
    const marked = provider.kindModules.filter((kind) => kind.mayRefuse).map((kind) => kind.name);
    expect(marked.sort()).toEqual(refusing.sort());
  });
});

/** The module without its revoke/restore functions: a refusal there comes after the plan, not from discovery. */
function discoverPart(source: string): string {
  const revokeAt = source.search(/\n\s+async revoke\(|\n\s+revoke[:(]/);
  return revokeAt < 0 ? source : source.slice(0, revokeAt);
}

type Context = { log: string[] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kind = (name: string, ms: number, answer: () => void = () => undefined, mayRefuse = false): ProviderKind<Context, { user: string }> => ({
  name,
  description: name,
  permissions: [],
  reversible: true,
  ...(mayRefuse ? { mayRefuse } : {}),
  async discover({ log }) {
    await sleep(ms);
    answer();
    log.push(`${name} answered`);
    return [];
  },
  revoke: async () => ({ status: 'revoked' }),
});

function provider(kinds: Array<ProviderKind<Context, { user: string }>>, beforeMs = 0) {
  return defineProvider<object, Context, { user: string }>({
    type: 'test',
    description: 'test',
    configSchema: z.object({}),
    kinds,
    user: { pattern: /.*/, description: 'any', caseInsensitive: false },
    requestOf: ({ user }) => ({ user }),
    errorText: String,
    describeUser: (_c, user) => user,
    async beforeDiscover({ log }) {
      await sleep(beforeMs);
      log.push('guard read');
    },
    connect: async () => ({ client: { log: [] }, actor: 'test' }),
  });
}

const discover = async (p: ReturnType<typeof provider>, kinds: string[]) => {
  const context: Context = { log: [] };
  const outcome = await p
    .discover(context, { user: 'jane', kinds, mode: undefined, options: {}, signal: new AbortController().signal, guardsPassed: () => context.log.push('guards passed') })
    .then(
      () => 'discovered',
      (error: unknown) => (error as Error).message,
    );
  return { outcome, log: context.log };
};

describe('defineProvider: when a step says its guards passed', () => {
  it('after beforeDiscover and every kind that may refuse, before the slow kinds that cannot', async () => {
    const p = provider([kind('owners', 20, undefined, true), kind('repos', 80)], 10);
    const { outcome, log } = await discover(p, ['owners', 'repos']);
    expect(outcome).toBe('discovered');
    expect(log).toEqual(['guard read', 'owners answered', 'guards passed', 'repos answered']);
  });

  it('never, when a kind refuses; and its refusal wins over another kind failing first', async () => {
    const refusing = kind('owners', 40, () => {
      throw new InvalidInputError('jane is the last owner', 'make someone else an owner');
    }, true);
    const failing = kind('repos', 5, () => {
      throw new Error('HTTP 500');
    });
    const { outcome, log } = await discover(provider([refusing, failing]), ['owners', 'repos']);
    expect(outcome).toBe('jane is the last owner');
    expect(log).toEqual(['guard read']);
  });

  it("a kind that may refuse only some steps (mayRefuse as a function) is waited for only in those", async () => {
    const onlyForJohn = { ...kind('role', 60), mayRefuse: (_c: Context, request: { user: string }) => request.user === 'john' };
    const { log } = await discover(provider([onlyForJohn]), ['role']);
    expect(log).toEqual(['guard read', 'guards passed', 'role answered']);
  });

  it('at once after beforeDiscover when no kind of the step may refuse', async () => {
    const { log } = await discover(provider([kind('owners', 20, undefined, true), kind('repos', 30)], 5), ['repos']);
    expect(log).toEqual(['guard read', 'guards passed', 'repos answered']);
  });
});
