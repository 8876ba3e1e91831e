import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { resolveRun } from '../../src/runbook/resolve.js';
import { fakeRegistry, validRunbook, validateText } from '../support/runbooks.js';

const registry = fakeRegistry();
const runbook = validateText(validRunbook, registry).runbook!;

function resolveError(options: Parameters<typeof resolveRun>[2], text = validRunbook): InvalidInputError {
  const rb = validateText(text, registry).runbook!;
  try {
    resolveRun(rb, registry, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected resolveRun to fail');
}

describe('resolving a run', () => {
  it('renders {{user}} and {{vars.x}} into every step', () => {
    const plan = resolveRun(runbook, registry, { user: 'alice' });
    expect(plan.steps.map((s) => [s.id, s.user, s.dependsOn])).toEqual([
      ['creds', 'alice', []],
      ['remove', 'alice', ['creds']],
    ]);
    expect(plan.providers).toEqual([{ name: 'dir', type: 'fake', config: {} }]);
  });

  it('lets --set override a variable', () => {
    const plan = resolveRun(runbook, registry, { user: 'alice', sets: ['login=alice-gh'] });
    expect(plan.steps[0]!.user).toBe('alice-gh');
  });

  it('refuses --set for an undeclared variable, suggesting the right one', () => {
    const error = resolveError({ user: 'alice', sets: ['logn=x'] });
    expect(error.message).toBe('--set logn: the runbook declares no variable "logn"');
    expect(error.fix).toContain('did you mean "login"?');
    expect(resolveError({ user: 'alice', sets: ['login'] }).message).toBe('--set "login" is not key=value');
  });

  it('--only keeps just the named steps and says which dependencies it left out', () => {
    const plan = resolveRun(runbook, registry, { user: 'alice', only: ['remove'] });
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([['remove', []]]);
    expect(plan.warnings).toEqual(['--only: step remove depends on creds, which is not part of this run; remove runs without waiting for it']);
    expect(resolveError({ user: 'alice', only: ['remvoe'] }).fix).toContain('did you mean "remove"?');
  });

  it('refuses a protected identity coming from the CLI argument, before anything runs', () => {
    const error = resolveError({ user: 'ROOT-ADMIN' });
    expect(error.message).toBe('step creds would revoke "ROOT-ADMIN", which is protected on dir; nothing was changed');
    expect(error.exitCode).toBe(2);
  });

  it.each([
    ['bob smith', 'whitespace'],
    ['bob\n', 'whitespace'],
    ['bob\u0007', 'control'],
    ['{{user}}', '{{'],
  ])('refuses the user name %j', (user) => {
    const error = resolveError({ user });
    expect(error.message).toMatch(/^the user name ".*" contains whitespace, control characters or "\{\{"$/);
    expect(error.message).not.toContain('\n');
  });

  it("refuses a user name the provider cannot have, naming the provider's rule", () => {
    const error = resolveError({ user: 'alice@example.com' });
    expect(error.message).toBe('step creds: "alice@example.com" is not a valid fake user name');
    expect(error.fix).toContain('fake user names are 1-32 letters');
  });
});
