import { errorMessage } from '../errors.js';
import { mapBounded } from '../engine/graph-runner.js';
import { awsErrorCode } from '../providers/aws-iam/aws-errors.js';
import { instanceForKey } from './aws-accounts.js';
import { revokeFindings, takenOf, type ProviderTarget } from './revoke-findings.js';
import type { ClassifiedSecret } from './classify.js';
import { notRevoked, refused, type PlannedSecret, type SecretContext, type SecretHandler } from './plan.js';

const AWS_CONCURRENCY = 8;
const SESSION_PHASE = 0;

/**
 * Temporary AWS credentials (ASIA… + secret + session token) cannot be revoked one by one: revoke
 * asks STS who they are (GetCallerIdentity, signed with the leaked credentials themselves), then
 * the aws-iam sessions kind denies every session of that role (or user) issued before now, which
 * ends everyone's older sessions of the role: the plan says so.
 */
export const awsTemporaryCredentials: SecretHandler = {
  types: ['aws-temporary-credentials'],

  plan: (secrets, context) =>
    mapBounded(secrets, AWS_CONCURRENCY, (secret): Promise<PlannedSecret> =>
      planSession(secret, context).catch((error: unknown) => ({ secret, what: 'AWS temporary credentials', actions: [], warnings: [], settled: { status: 'failed', detail: `identifying them failed: ${errorMessage(error)}` } })),
    ),

  // One at a time: two leaked sessions of one role need one cutoff; the provider's kind makes a second one harmless.
  revoke: (planned, context) => mapBounded(planned, 1, async (p) => p.settled ?? (await revokeFindings(p.target as ProviderTarget, context))),
};

async function planSession(secret: ClassifiedSecret, context: SecretContext): Promise<PlannedSecret> {
  const c = secret.classified.type === 'aws-temporary-credentials' ? secret.classified : undefined;
  const base = { secret, what: `AWS temporary credentials ${c?.accessKeyId ?? ''}`, warnings: [] as string[] };
  if (!c?.secretAccessKey || !c.sessionToken) {
    return { ...base, actions: [], settled: notRevoked('a temporary access key id alone cannot be identified; pass "ASIA… <secret> <session token>" on one line (they expire by themselves, at most 36 hours after issue)') };
  }
  const found = await instanceForKey(c.accessKeyId, context);
  if ('missing' in found) return { ...base, actions: [], settled: notRevoked(found.missing) };
  const { instance, account } = found;
  const { arnOfCredentials } = await import('./sts-calls.js');
  let arn: string;
  context.count('aws:sts:GetCallerIdentity (leaked credentials)');
  try {
    arn = await arnOfCredentials(instance, context.env, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }, context.signal);
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === 'ExpiredToken' || code === 'InvalidClientTokenId') return { ...base, provider: instance.name, actions: [], settled: { status: 'already-gone', detail: `STS no longer accepts them (${code})` } };
    throw error;
  }
  const role = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  const connection = await context.providers.connect(instance);
  const where = { provider: instance.name };
  if (role) {
    const [, roleName, sessionName] = role as unknown as [string, string, string];
    const withOwner = { ...base, ...where, owner: `role ${roleName}, session ${sessionName} (account ${account})` };
    if (connection.actor.includes(`:assumed-role/${roleName}/`)) return { ...withOwner, actions: [], settled: refused(`revoke itself runs as role ${roleName} on ${instance.name}: cutting that role's sessions would lock revoke out`) };
    if (context.providers.isProtected(instance.name, roleName)) return { ...withOwner, actions: [], settled: refused(`role ${roleName} is protected by the runbook (protect: ${instance.name})`) };
    const warning = `revoking these temporary credentials ends the current sessions of everyone using role ${roleName}, not only this one (session ${sessionName})`;
    const target: ProviderTarget = { instance, user: roleName, mode: 'disable', options: { roles: [roleName] }, findings: [{ id: `role/${roleName}`, kind: 'sessions', label: `sessions of role ${roleName} issued before now`, phase: SESSION_PHASE, warnings: [warning] }] };
    return { ...withOwner, actions: [`deny sessions of role ${roleName} issued before now (AWSRevokeOlderSessions)`], warnings: [warning], target, taken: takenOf(target) };
  }
  if (user) {
    const withOwner = { ...base, ...where, owner: `IAM user ${user}, a GetSessionToken session (account ${account})` };
    if (connection.selfUser?.toLowerCase() === user.toLowerCase()) return { ...withOwner, actions: [], settled: refused(`the session belongs to ${user}, the IAM user revoke itself runs as on ${instance.name}`) };
    if (context.providers.isProtected(instance.name, user)) return { ...withOwner, actions: [], settled: refused(`the session belongs to ${user}, whom the runbook protects (protect: ${instance.name})`) };
    const target: ProviderTarget = { instance, user, mode: 'disable', options: { roles: [] }, findings: [{ id: `user/${user}`, kind: 'sessions', label: `sessions of ${user} issued before now`, phase: SESSION_PHASE }] };
    return { ...withOwner, actions: [`deny sessions of IAM user ${user} issued before now (AWSRevokeOlderSessions)`], target, taken: takenOf(target) };
  }
  return { ...base, ...where, actions: [], settled: notRevoked(`STS says they are ${arn}, which is neither a role session nor a user session`) };
}
