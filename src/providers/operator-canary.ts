import { InvalidInputError } from '../errors.js';
import type { Canary, CanaryCredential } from './drill-hooks.js';

/** One credential of an operator-provided canary account, as read from its environment variable. */
export interface EnvironmentCredential<Secret> {
  name: string;
  /** What it is, for messages and the report ("session", "refresh token"). */
  what: string;
  env: string;
  secret: Secret;
}

/** Whom a live credential belongs to, or the provider's refusal (a status and, optionally, an error code; never the secret). */
export type CredentialOwner = { owner: string } | { status: number; error?: string };

/**
 * Asks the vendor who a credential belongs to with the request the credential itself makes about
 * its holder: the owner `ownerIn` reads from the JSON answer, or the status it was refused with.
 */
export async function ownerAt(request: { url: string; headers: Record<string, string> }, signal: AbortSignal, ownerIn: (body: unknown) => string): Promise<CredentialOwner> {
  const answer = await fetch(request.url, { headers: request.headers, signal });
  if (!answer.ok) {
    await answer.body?.cancel();
    return { status: answer.status };
  }
  return { owner: ownerIn(await answer.json()) };
}

/**
 * Identity providers cannot make accounts in a drill: the canary is the operator's test account,
 * its credentials from the environment. Each must work and belong to the step's user before
 * anything runs (exit 2 otherwise), so a drill never revokes someone else. Cleanup removes nothing:
 * the account is the operator's.
 */
export async function operatorCanary<Secret>(options: {
  vendor: string;
  user: string;
  identity: string;
  credentials: Array<EnvironmentCredential<Secret>>;
  ownerOf: (secret: Secret) => Promise<CredentialOwner>;
}): Promise<Canary> {
  const checked: CanaryCredential[] = [];
  for (const { name, what, env, secret } of options.credentials) {
    const answer = await options.ownerOf(secret);
    if ('status' in answer) {
      throw new InvalidInputError(`${options.vendor} refused ${env} (HTTP ${answer.status}${answer.error ? `, ${answer.error}` : ''}) before the drill began; nothing was changed`, `give a working ${what} of the canary account ${options.user}`);
    }
    if (answer.owner.toLowerCase() !== options.user.toLowerCase()) {
      throw new InvalidInputError(`${env} belongs to ${answer.owner}, not to the canary ${options.user}; nothing was changed`, `pass --canary ${answer.owner}, or a credential of ${options.user}`);
    }
    checked.push({ name, label: `${what} of ${options.user} (from ${env})`, secret });
  }
  return { identity: options.identity, createdByDrill: false, credentials: checked, cleanup: async () => ({ removed: [], leftovers: [] }) };
}
