import { describe, expect, it } from 'vitest';
import { criticalPath, criticalPathParts, forcedRoundTrips, legacyCriticalPath } from '../../bench/support/critical-path.mjs';

// The yardsticks of bench/exposure-window.mjs: the run's lower bound is only as honest as this count.
const finding = (kind: string, phase: number, extra: Record<string, unknown> = {}) => ({ kind, id: `${kind}-${phase}`, phase, ...extra });

describe('critical path of a run (bench lower bound)', () => {
  it('connect, then containment (its phases) or discovery, then the longest chain of steps, each phase its slowest finding', () => {
    const result = {
      steps: [
        { id: 'idp', dependsOn: [], findings: [finding('sessions', 0, { containment: true }), finding('suspend', 1, { containment: true }), finding('password', 2)] },
        { id: 'gh', dependsOn: ['idp'], findings: [finding('codespaces', 1), finding('copilot-seat', 1), finding('repo-collaborator', 2), finding('org-membership', 3)] },
        { id: 'aws', dependsOn: ['idp'], findings: [finding('access-keys', 1), finding('mfa-devices', 2, { details: { virtual: true } })] },
        { id: 'late', dependsOn: ['gh', 'aws'], findings: [finding('login', 0)] },
      ],
    };
    // idp 1 (its containment is before the chain); gh: a codespace is stopped, then deleted (2),
    // then the collaborator (1), then the membership (1); aws: 1 + 2 (a virtual MFA device); late 1.
    expect(criticalPathParts(result)).toEqual({ connect: 1, beforeChain: 2, chain: 1 + 4 + 1 });
    expect(criticalPath(result)).toBe(1 + 2 + 6);
    // Deleting an IAM user is two (revoke's own policies, then DeleteUser); discovery alone is one before the chain.
    expect(criticalPathParts({ steps: [{ id: 'aws', dependsOn: [], findings: [finding('access-keys', 1), { kind: 'user', id: 'delete-user', phase: 3 }] }] })).toEqual({ connect: 1, beforeChain: 1, chain: 3 });
  });

  it("a chain starts after its own provider's connect: Google's token and PostgreSQL's SCRAM count, where they are on the longest chain", () => {
    const steps = [
      { id: 'google-contain', provider: 'google', providerType: 'google-workspace', dependsOn: [], findings: [finding('sessions', 1, { containment: true }), finding('suspend', 3, { containment: true }), finding('password', 0)] },
      { id: 'aws-remove', provider: 'aws', providerType: 'aws-iam', dependsOn: ['google-contain'], findings: [finding('access-keys', 1)] },
      { id: 'db-remove', provider: 'db', providerType: 'postgres', dependsOn: [], findings: [finding('login', 0, { containment: true }), finding('password', 1)] },
    ];
    // Google: token + guard reads (2), its two containment phases (2), the password (1); then AWS (1): 6.
    // PostgreSQL alone: SCRAM + who am I (4), NOLOGIN (1), the password (1): 6 too, not longer.
    expect(criticalPathParts({ steps })).toEqual({ connect: 2, beforeChain: 2, chain: 2 });
    expect(criticalPath({ steps })).toBe(6);
    expect(legacyCriticalPath({ steps })).toBe(5);
    // A PostgreSQL chain one removal longer is the critical path.
    steps[2]!.findings.push(finding('memberships', 2));
    expect(criticalPathParts({ steps })).toEqual({ connect: 4, beforeChain: 1, chain: 2 });
  });

  it("each credential's forced round trips, by its probe's name", () => {
    expect(['aws access key (iam:GetUser)', 'github token', 'google session cookie (userinfo)', 'google password (userinfo)', 'okta session', 'entra password', 'postgres new login'].map(forcedRoundTrips)).toEqual([2, 2, 3, 4, 3, 3, 5]);
  });
});
