import type { SecretHandler } from './plan.js';
import { notRevoked } from './plan.js';

/** Anything that matches no documented format: reported, never guessed at, never sent anywhere. */
export const unrecognisedSecrets: SecretHandler = {
  types: ['unrecognised'],
  async plan(secrets) {
    return secrets.map((secret) => ({
      secret,
      what: 'unrecognised secret',
      actions: [],
      warnings: [],
      settled: notRevoked(`unrecognised, not revoked: ${secret.classified.type === 'unrecognised' ? secret.classified.why : ''}`),
    }));
  },
  async revoke(planned) {
    return planned.map((p) => p.settled!);
  },
};
