import { errorMessage } from '../errors.js';
import { mapBounded } from '../engine/graph-runner.js';
import { awsErrorCode } from '../providers/aws-iam/aws-errors.js';
import type { Discovery, Finding, Provider } from '../providers/types.js';
import { instanceForKey } from './aws-accounts.js';
import { revokeFindings, takenOf, type ProviderTarget } from './revoke-findings.js';
import { notRevoked, refused, type PlannedSecret, type SecretContext, type SecretHandler } from './plan.js';
import type { ClassifiedSecret } from './classify.js';

/** Identification reads per key (GetAccessKeyInfo, GetAccessKeyLastUsed, the owner's lists) run a few at a time. */
const AWS_CONCURRENCY = 8;

/**
 * Long-term AWS access keys (AKIA…): the account from STS GetAccessKeyInfo, the owner from IAM
 * GetAccessKeyLastUsed, then the aws-iam provider's access-keys kind sets the key Inactive (or,
 * with --delete, deletes it) and, with --cut-sessions, its sessions kind denies the owner's
 * sessions issued before now. Protect lists and the self-lockout guard apply.
 */
export const awsAccessKeys: SecretHandler = {
  types: ['aws-access-key'],

  plan: (secrets, context) =>
    mapBounded(secrets, AWS_CONCURRENCY, (secret): Promise<PlannedSecret> =>
      planKey(secret, context).catch((error: unknown) => ({ secret, what: 'AWS access key', actions: [], warnings: [], settled: { status: 'failed', detail: `identifying it failed: ${errorMessage(error)}` } })),
    ),

  revoke: (planned, context) => mapBounded(planned, AWS_CONCURRENCY, async (p) => p.settled ?? (await revokeFindings(p.target as ProviderTarget, context))),
};

/**
 * One discovery per key owner and run: leaked keys often come in pairs of one user (both keys, or
 * one key found in several files), and each discovery costs a handful of IAM calls.
 */
const discoveries = new WeakMap<SecretContext, Map<string, Promise<Finding[]>>>();
function discoverOwner(context: SecretContext, instance: string, owner: string, discover: () => Promise<Finding[] | Discovery>): Promise<Finding[]> {
  let byOwner = discoveries.get(context);
  if (!byOwner) discoveries.set(context, (byOwner = new Map()));
  const key = `${instance}\u0000${owner.toLowerCase()}`;
  let found = byOwner.get(key);
  if (!found) {
    found = discover().then((d) => (Array.isArray(d) ? d : d.findings));
    byOwner.set(key, found);
  }
  return found;
}

async function planKey(secret: ClassifiedSecret, context: SecretContext): Promise<PlannedSecret> {
  const accessKeyId = secret.classified.type === 'aws-access-key' ? secret.classified.accessKeyId : '';
  const base = { secret, what: `AWS access key ${accessKeyId}`, warnings: [] as string[] };
  const found = await instanceForKey(accessKeyId, context);
  if ('missing' in found) return { ...base, actions: [], settled: notRevoked(found.missing) };
  const { instance, account } = found;
  const provider: Provider & { readOnly?(c: unknown): unknown } = context.providers.provider('aws-iam');
  const connection = await context.providers.connect(instance);
  const reader = (provider.readOnly ? provider.readOnly(connection.client) : connection.client) as { iam: { getAccessKeyLastUsed(input: { AccessKeyId: string }): Promise<{ UserName?: string }> } };
  let owner: string | undefined;
  context.count('aws:iam:GetAccessKeyLastUsed');
  try {
    owner = (await reader.iam.getAccessKeyLastUsed({ AccessKeyId: accessKeyId })).UserName;
  } catch (error) {
    if (awsErrorCode(error) !== 'NoSuchEntity') throw error;
  }
  const where = { provider: instance.name };
  if (!owner) return { ...base, ...where, actions: [], settled: { status: 'already-gone', detail: `no such access key in account ${account} any more (deleted)` } };
  const withOwner = { ...base, ...where, owner: `IAM user ${owner} (account ${account})` };
  if (accessKeyId === context.env.AWS_ACCESS_KEY_ID) return { ...withOwner, actions: [], settled: refused(`this is the access key revoke itself runs with on ${instance.name}: revoking it would lock revoke out; rotate it with other credentials`) };
  if (connection.selfUser && connection.selfUser.toLowerCase() === owner.toLowerCase()) {
    return { ...withOwner, actions: [], settled: refused(`the key belongs to ${owner}, the IAM user revoke itself runs as on ${instance.name}: run revoke with another identity's credentials`) };
  }
  if (context.providers.isProtected(instance.name, owner)) return { ...withOwner, actions: [], settled: refused(`the key belongs to ${owner}, whom the runbook protects (protect: ${instance.name})`) };

  const mode = context.options.delete ? 'delete' : 'disable';
  const kinds = ['access-keys', ...(context.options.cutSessions ? ['sessions'] : [])];
  const discovered = await discoverOwner(context, instance.name, owner, () => {
    context.count('aws:discover');
    return provider.discover(connection.client, { user: owner, kinds, mode, options: { roles: [] }, signal: context.signal });
  });
  const findings = discovered.filter((f) => f.kind !== 'access-keys' || f.id === accessKeyId);
  if (!findings.some((f) => f.kind === 'access-keys')) {
    return { ...withOwner, actions: [], settled: { status: 'already-gone', detail: `the key is already ${mode === 'disable' ? 'inactive' : 'gone'}` } };
  }
  const target: ProviderTarget = { instance, user: owner, mode, options: { roles: [] }, findings };
  return {
    ...withOwner,
    actions: findings.map((f) => (f.kind === 'access-keys' ? `${mode === 'delete' ? 'delete' : 'set Inactive'}: ${f.label}` : `deny ${f.label}`)),
    warnings: findings.flatMap((f) => f.warnings ?? []),
    target,
    // Watch asks GetAccessKeyLastUsed about keys that were only set Inactive.
    taken: takenOf(target, (f) => (f.kind === 'access-keys' && mode === 'disable' ? 'set Inactive' : undefined)),
  };
}
