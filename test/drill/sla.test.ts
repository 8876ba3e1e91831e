import { describe, expect, it } from 'vitest';
import { slaOf } from '../../src/drill/verdict.js';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { resolveRun } from '../../src/runbook/resolve.js';
import { RunbookSource } from '../../src/runbook/source.js';
import { validateRunbook } from '../../src/runbook/validate.js';

const text = (providerSla: string, stepSla: string) => `version: 1
name: sla
providers:
  aws:
    type: aws-iam
    sla: ${providerSla}
steps:
  - id: contain
    provider: aws
    user: "{{user}}"
    revoke: [access-keys]
    sla: ${stepSla}
  - id: remove
    provider: aws
    user: "{{user}}"
    revoke: [all]
    mode: delete
`;

const validate = (yaml: string) => validateRunbook(new RunbookSource('rb.yaml', yaml), builtinRegistry());

describe('runbook sla:', () => {
  it('is a duration on a provider instance or a step; the strictest of a drill\'s steps wins, else the instance\'s', () => {
    const { runbook } = validate(text('5m', '90s'));
    expect(runbook?.providers.aws?.slaMs).toBe(300_000);
    expect(runbook?.steps.map((s) => s.slaMs)).toEqual([90_000, undefined]);
    expect(slaOf(resolveRun(runbook!, builtinRegistry(), { user: 'c' }), 'aws')).toBe(90_000);
    expect(slaOf(resolveRun(runbook!, builtinRegistry(), { user: 'c', only: ['remove'] }), 'aws')).toBe(300_000);
  });

  it('a bad sla is an error at its file:line:col, on the instance and on the step', () => {
    const { diagnostics } = validate(text('five minutes', '5 m'));
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).toEqual([
      'rb.yaml:6:10: providers.aws.sla: must be a duration like 30s, 5m or 1h',
      'rb.yaml:12:10: steps[0].sla: must be a duration like 30s, 5m or 1h',
    ]);
  });
});
