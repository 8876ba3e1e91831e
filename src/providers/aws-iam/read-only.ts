import type { IAM } from '@aws-sdk/client-iam';
import { withCachedReads } from '../read-cache.js';
import { ReadOnlyViolation } from '../read-only.js';

/** AWS actions that only read: what discovery, presence, evidence and watch may call. */
const READ_ACTION = /^(Get|List|Describe|Lookup|GenerateCredentialReport$|GenerateServiceLastAccessedDetails$)/;

// Loose on purpose: IAM's and CloudTrail's middleware stacks differ only in their input/output types.
type MiddlewareClient = { middlewareStack: { add(middleware: (next: any, context: any) => (args: any) => Promise<any>, options: object): void } };

/** Adds a middleware that refuses, before anything is signed or sent, every action that is not a read. */
export function refuseWrites<Client extends MiddlewareClient>(client: Client, service: string): Client {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const action = String(context.commandName ?? '').replace(/Command$/, '');
      if (!READ_ACTION.test(action)) throw new ReadOnlyViolation(`${service}:${action}`);
      return next(args);
    },
    { step: 'initialize', name: 'revokeRefuseWrites', priority: 'high' },
  );
  return client;
}

/** A view of `iam` on which identical reads (Get*, List*) are sent once: one run's containment and discovery. */
export function cachedIamReads(iam: IAM): IAM {
  return withCachedReads(iam, (method) => /^(get|list)[A-Z]/.test(method));
}
