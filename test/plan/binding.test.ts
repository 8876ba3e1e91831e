import { describe, expect, it } from 'vitest';
import { refuseForeignActors, refuseRetargetedSteps } from '../../src/plan/binding.js';
import type { RunPlan } from '../../src/runbook/resolve.js';

describe('plan binding', () => {
  it('refuses a plan whose step users differ from the re-resolved ones, naming each step', () => {
    const plan = { steps: [{ id: 'aws-contain', user: 'jdoe' }, { id: 'gh', user: 'jdoe-gh' }] } as unknown as RunPlan;
    expect(() => refuseRetargetedSteps({ steps: [{ id: 'aws-contain', user: 'jdoe' }, { id: 'gh', user: 'jdoe-gh' }] }, plan, 'p.json')).not.toThrow();
    expect(() => refuseRetargetedSteps({ steps: [{ id: 'aws-contain', user: 'jdoe' }, { id: 'gh', user: 'other' }] }, plan, 'p.json')).toThrow(/gh: planned user "other", now "jdoe-gh"/);
    expect(() => refuseRetargetedSteps({ steps: [{ id: 'gone', user: 'x' }] }, plan, 'p.json')).toThrow(/gone: planned user "x", now no such step/);
  });

  it('refuses a connection to another account, and a provider the plan did not know', () => {
    const planned = [{ provider: 'aws', providerType: 'aws-iam', actor: 'arn:aws:iam::111111111111:user/ops' }];
    expect(() => refuseForeignActors(planned, new Map([['aws', { actor: 'arn:aws:iam::111111111111:user/ops' }]]), 'p.json')).not.toThrow();
    expect(() => refuseForeignActors(planned, new Map([['aws', { actor: 'arn:aws:iam::222222222222:user/ops' }]]), 'p.json')).toThrow(/aws: planned against arn:aws:iam::111111111111:user\/ops\n\s+connected as\s+arn:aws:iam::222222222222:user\/ops/);
    expect(() => refuseForeignActors(planned, new Map([['aws', { actor: planned[0]!.actor }], ['gh', { actor: 'github:ops on acme' }]]), 'p.json')).toThrow(/gh: not in the plan, connected as github:ops on acme/);
  });
});
