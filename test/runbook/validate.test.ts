import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.js';
import { validRunbook, validateText, yaml } from '../support/runbooks.js';

function problems(text: string): string[] {
  const result = validateText(text);
  expect(result.runbook).toBeUndefined();
  return result.diagnostics.map(formatDiagnostic);
}

describe('runbook validation', () => {
  it('accepts a valid runbook and expands `all` into the provider kinds in order', () => {
    const result = validateText(validRunbook);
    expect(result.diagnostics).toEqual([]);
    expect(result.runbook!.steps.map((s) => [s.id, s.kinds, s.mode])).toEqual([
      ['creds', ['tokens', 'groups'], 'disable'],
      ['remove', ['tokens', 'groups', 'account'], 'delete'],
    ]);
    expect(result.runbook!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports malformed YAML with its position', () => {
    expect(problems('version: 1\nname: x\nsteps:\n  - id: a\n    revoke: [tokens\n  - id: b\n')).toEqual([
      'rb.yaml:6:3: error: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n  fix: close the list with "]" (or write one "- item" per line)',
    ]);
    expect(problems('version: 1\nname: "x\nsteps: []\n')[0]).toMatch(/^rb\.yaml:4:1: error: invalid YAML: Missing closing "quote\n  fix: close the quoted string/);
    expect(problems('version: 1\n\tname: x\n')[0]).toMatch(/^rb\.yaml:2:1: error: invalid YAML: Tabs are not allowed as indentation\n  fix: indent with spaces/);
  });

  it('reports duplicate YAML keys', () => {
    const out = problems('version: 1\nname: a\nname: b\n');
    expect(out[0]).toMatch(/^rb\.yaml:3:1: error: invalid YAML: .*[Mm]ap keys must be unique/);
  });

  it('reports an empty file', () => {
    expect(problems('')[0]).toBe('rb.yaml:1:1: error: a runbook must be a YAML mapping\n  fix: start from runbooks/offboarding.yaml: version, name, providers and steps');
  });

  it('reports an unknown top-level key at the key, with a suggestion', () => {
    const out = problems(validRunbook.replace('protect:', 'protekt:'));
    expect(out).toEqual(['rb.yaml:8:1: error: unknown key "protekt"\n  fix: did you mean "protect"? (known: version, name, description, vars, protect, providers, steps)']);
  });

  it('reports an unknown step key at the key, with a suggestion', () => {
    const out = problems(validRunbook.replace('dependsOn: [creds]', 'dependson: [creds]'));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^rb\.yaml:20:5: error: unknown key "dependson"/);
    expect(out[0]).toContain('did you mean "dependsOn"?');
  });

  it('reports a wrong type at the value', () => {
    const out = problems(validRunbook.replace('revoke: [tokens, groups]', 'revoke: tokens'));
    expect(out).toEqual(['rb.yaml:14:13: error: steps[0].revoke must be a list, not string "tokens"\n  fix: write a YAML list: [a, b] or one "- item" per line']);
  });

  it('reports a missing required key at its parent', () => {
    const out = problems(validRunbook.replace('name: offboarding\n', ''));
    expect(out).toEqual(['rb.yaml:1:1: error: missing required key "name"\n  fix: add name: (string)']);
  });

  it('reports a wrong version', () => {
    const out = problems(validRunbook.replace('version: 1', 'version: 2'));
    expect(out[0]).toMatch(/^rb\.yaml:1:10: error: version must be 1/);
  });

  it('reports an unknown provider type with the known ones', () => {
    const out = problems(validRunbook.replace('type: fake', 'type: fkae'));
    expect(out).toEqual(['rb.yaml:7:11: error: unknown provider type "fkae"\n  fix: did you mean "fake"? (known: fake, other)']);
  });

  it('reports an unknown provider config key', () => {
    const out = problems(validRunbook.replace('type: fake', 'type: fake\n    lable: x'));
    expect(out[0]).toMatch(/^rb\.yaml:8:5: error: unknown key "lable" in providers\.dir\n  fix: did you mean "label"\?/);
  });

  it('reports an unknown revoke kind at the list item', () => {
    const out = problems(validRunbook.replace('revoke: [tokens, groups]', 'revoke: [tokens, grups]'));
    expect(out).toEqual(['rb.yaml:14:22: error: unknown revoke kind "grups" for provider type fake\n  fix: did you mean "groups"? (known: tokens, groups, account, all)']);
  });

  it('reports an unknown mode', () => {
    const out = problems(validRunbook.replace('mode: delete', 'mode: nuke'));
    expect(out[0]).toMatch(/^rb\.yaml:18:11: error: unknown mode "nuke" for provider type fake/);
  });

  it('reports a step naming an unknown provider instance', () => {
    const out = problems(validRunbook.replace('provider: dir\n    user: "{{vars.login}}"\n    revoke: [tokens', 'provider: dri\n    user: "{{vars.login}}"\n    revoke: [tokens'));
    expect(out).toEqual(['rb.yaml:12:15: error: step "creds" uses unknown provider instance "dri"\n  fix: declare it under providers:, did you mean "dir"? (known: dir)']);
  });

  it('reports duplicate step ids, naming the first', () => {
    const out = problems(validRunbook.replace('id: remove', 'id: creds').replace('dependsOn: [creds]', ''));
    expect(out).toEqual(['rb.yaml:15:9: error: duplicate step id "creds" (first used on line 11)\n  fix: give every step a unique id']);
  });

  it('reports dependsOn naming a missing step', () => {
    const out = problems(validRunbook.replace('dependsOn: [creds]', 'dependsOn: [cred]'));
    expect(out).toEqual(['rb.yaml:20:17: error: step "remove" depends on unknown step "cred"\n  fix: did you mean "creds"? (known: creds)']);
  });

  it('reports a dependsOn cycle and prints it', () => {
    const text = yaml`
      version: 1
      name: loop
      providers:
        dir: { type: fake }
      steps:
        - { id: a, provider: dir, user: x, revoke: [tokens], dependsOn: [b] }
        - { id: b, provider: dir, user: x, revoke: [tokens], dependsOn: [c] }
        - { id: c, provider: dir, user: x, revoke: [tokens], dependsOn: [a] }
    `;
    const out = problems(text);
    expect(out).toEqual(['rb.yaml:6:56: error: dependsOn cycle: a -> b -> c -> a\n  fix: remove one of these dependencies so the steps can run in an order']);
  });

  it('reports a step that depends on itself as a cycle', () => {
    const out = problems(validRunbook.replace('dependsOn: [creds]', 'dependsOn: [remove]'));
    expect(out[0]).toMatch(/dependsOn cycle: remove -> remove/);
  });

  it('reports a template referencing an unknown variable at the expression', () => {
    const out = problems(validRunbook.replace('user: "{{vars.login}}"\n    revoke: [tokens', 'user: "x-{{vars.logn}}"\n    revoke: [tokens'));
    expect(out).toEqual(['rb.yaml:13:14: error: template refers to unknown variable "vars.logn"\n  fix: declare it under vars: (or pass --set logn=...): did you mean "login"? (known: login)']);
  });

  it('reports an unknown template expression and an unclosed template', () => {
    expect(problems(validRunbook.replace('login: "{{user}}"', 'login: "{{usr}}"'))[0]).toMatch(/^rb\.yaml:4:11: error: unknown template expression "\{\{usr\}\}"/);
    expect(problems(validRunbook.replace('login: "{{user}}"', 'login: "{{user"'))[0]).toMatch(/^rb\.yaml:4:11: error: unclosed template/);
  });

  it('reports variables that refer to each other in a cycle', () => {
    const out = problems(validRunbook.replace('login: "{{user}}"', 'login: "{{vars.other}}"\n  other: "{{vars.login}}"'));
    expect(out[0]).toMatch(/^rb\.yaml:4:3: error: variables refer to each other in a cycle: login -> other -> login/);
  });

  it('reports empty steps', () => {
    const out = problems(yaml`
      version: 1
      name: nothing
      providers:
        dir: { type: fake }
      steps: []
    `);
    expect(out).toEqual(['rb.yaml:5:8: error: steps: a runbook needs at least one step']);
  });

  it('refuses a literal user that is protected, at validation time', () => {
    const out = problems(validRunbook.replace('user: "{{vars.login}}"\n    revoke: [tokens', 'user: Root-Admin\n    revoke: [tokens'));
    expect(out).toEqual(['rb.yaml:13:11: error: step "creds" targets "Root-Admin", which is protected on dir\n  fix: remove this step or remove "Root-Admin" from protect.dir']);
  });

  it('refuses a literal user with characters the provider does not allow', () => {
    const out = problems(validRunbook.replace('user: "{{vars.login}}"\n    revoke: [tokens', 'user: "bob smith"\n    revoke: [tokens'));
    expect(out[0]).toMatch(/^rb\.yaml:13:11: error: "bob smith" is not a valid fake user name\n  fix: fake user names are 1-32 letters/);
  });

  it('reports protect naming an unknown provider instance', () => {
    const out = problems(validRunbook.replace('dir: [root-admin]', 'dri: [root-admin]'));
    expect(out[0]).toMatch(/^rb\.yaml:9:3: error: protect names unknown provider instance "dri"/);
  });

  it('reports every problem, not just the first, in source order', () => {
    const out = problems(validRunbook.replace('revoke: [tokens, groups]', 'revoke: [tokns]').replace('dependsOn: [creds]', 'dependsOn: [nope]'));
    expect(out.map((line) => line.split(': error')[0])).toEqual(['rb.yaml:14:14', 'rb.yaml:20:17']);
  });
});
