import { ProviderRegistry } from '../../src/providers/registry.js';
import { RunbookSource } from '../../src/runbook/source.js';
import { validateRunbook } from '../../src/runbook/validate.js';
import { fakeProvider, fakeWorld, type FakeWorld } from './fake-provider.js';

export function fakeRegistry(world: FakeWorld = fakeWorld()): ProviderRegistry {
  return new ProviderRegistry([fakeProvider(world), fakeProvider(world, 'other')]);
}

/** Validates YAML text as if it were the file rb.yaml. */
export function validateText(text: string, registry = fakeRegistry()) {
  return validateRunbook(new RunbookSource('rb.yaml', text), registry);
}

/** Dedents a template literal so runbooks in tests read like files. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(...text.split('\n').filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return text
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

export const validRunbook = yaml`
  version: 1
  name: offboarding
  vars:
    login: "{{user}}"
  providers:
    dir:
      type: fake
  protect:
    dir: [root-admin]
  steps:
    - id: creds
      provider: dir
      user: "{{vars.login}}"
      revoke: [tokens, groups]
    - id: remove
      provider: dir
      user: "{{vars.login}}"
      mode: delete
      revoke: [all]
      dependsOn: [creds]
`;
