import { errorMessage } from '../errors.js';
import type { PlannedProvider } from '../runbook/resolve.js';
import type { SecretContext } from './plan.js';

/** The 12-digit account of a connected instance, from the ARN it authenticated as. */
export const accountOfActor = (actor: string) => /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(actor)?.[1];

/**
 * The aws-iam instance of the runbook connected to the account an access key id belongs to
 * (STS GetAccessKeyInfo, a read any principal may make), or why there is none.
 */
export async function instanceForKey(accessKeyId: string, context: SecretContext): Promise<{ instance: PlannedProvider; account: string } | { missing: string }> {
  const instances = context.providers.ofType('aws-iam');
  if (instances.length === 0) return { missing: 'no aws-iam provider in the runbook to identify and revoke it with (pass -r <runbook>)' };
  let account: string | undefined;
  const errors: string[] = [];
  for (const instance of instances) {
    let actor: string;
    try {
      actor = (await context.providers.connect(instance)).actor;
    } catch (error) {
      errors.push(errorMessage(error));
      continue;
    }
    if (account === undefined) {
      const { accountOfKey } = await import('./sts-calls.js');
      context.count('aws:sts:GetAccessKeyInfo');
      try {
        account = await accountOfKey(instance, context.env, accessKeyId, context.signal);
      } catch (error) {
        errors.push(`STS GetAccessKeyInfo through ${instance.name}: ${errorMessage(error)}`);
        continue;
      }
    }
    if (account && accountOfActor(actor) === account) return { instance, account };
  }
  if (account) return { missing: `it belongs to AWS account ${account}, which no aws-iam provider of the runbook is connected to` };
  return { missing: errors[0] ?? 'could not tell which AWS account it belongs to' };
}

