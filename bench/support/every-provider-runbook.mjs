// One runbook with every provider, as one offboarding meets them: the shipped demo runbook
// (Google, GitHub, AWS, PostgreSQL) with the shipped Okta and Entra runbooks' providers, protect
// lists and steps added. `bench:exposure` runs it, and so do the tests that run every provider
// through the built binary (test/support/every-provider.ts): both measure and test the same thing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { root } from './cli.mjs';

export const EVERY_PROVIDER_RUNBOOKS = ['runbooks/demo.yaml', 'runbooks/okta-offboarding.yaml', 'runbooks/entra-offboarding.yaml'];

/** The combined runbook's YAML. `defaultPacing`: leave out the demo's `writeIntervalMs: 0` (what a run against the real services is paced by). */
export function everyProviderRunbook({ name, oktaDomain, entraDomain, defaultPacing = false }) {
  const [demo, ...others] = EVERY_PROVIDER_RUNBOOKS.map((path) => parseDocument(readFileSync(join(root, path), 'utf8')));
  demo.setIn(['name'], name);
  for (const other of others) {
    for (const section of ['providers', 'protect']) for (const pair of other.get(section).items) demo.setIn([section, pair.key.value], pair.value);
    for (const step of other.get('steps').items) demo.get('steps').add(step);
  }
  if (defaultPacing) for (const provider of ['google', 'gh']) demo.deleteIn(['providers', provider, 'writeIntervalMs']);
  demo.setIn(['vars', 'okta_login'], `{{user}}@${oktaDomain}`);
  demo.setIn(['vars', 'upn'], `{{user}}@${entraDomain}`);
  return demo.toString();
}
