import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAM } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/report/journal.js';
import { startGitHubSandbox } from '../../src/sandbox/github/server.js';
import { githubSandboxEnvironment, seedGitHubUser, seedOrg } from '../../src/sandbox/github/seed.js';
import { sandboxEnvironment } from '../../src/sandbox/iam/seed.js';
import { writeTemp } from '../support/cli.js';
import { iamWorld, type IamWorld } from '../support/iam.js';
import { yaml } from '../support/runbooks.js';
import { runBin } from '../support/spawn.js';

// Contain first through the shipped binary (dist/): with --yes the departing person's access key
// is refused while revoke is still discovering, measured from the person's side; and the
// person's session, once refused, stays refused through the user's deletion.
const LATENCY_MS = 40;

let world: IamWorld;
beforeAll(async () => {
  world = await iamWorld();
});
afterAll(async () => world?.sandbox.close());

const runbook = yaml`
  version: 1
  name: contain-e2e
  providers:
    aws: { type: aws-iam }
  steps:
    - { id: aws-contain, provider: aws, user: "{{user}}", mode: disable, revoke: [sessions, access-keys, login-profile, user] }
    - { id: aws-remove, provider: aws, user: "{{user}}", mode: delete, revoke: [all], dependsOn: [aws-contain] }
`;

describe('contain first, through node bin/revoke.js', () => {
  it('with --yes the access key is refused before discovery has finished; the journal records the containment', async () => {
    await world.seed('jdoe');
    const key = world.sandbox.state.users.get('jdoe')!.accessKeys[0]!;
    const asPerson = new IAM({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    const sts = new STSClient({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 });
    const mfa = world.sandbox.state.users.get('jdoe')!.mfaSerials[0]!;
    const issued = (await sts.send(new GetSessionTokenCommand({ SerialNumber: mfa, TokenCode: '123456' }))).Credentials!;
    const session = { accessKeyId: issued.AccessKeyId!, secretAccessKey: issued.SecretAccessKey!, sessionToken: issued.SessionToken! };
    const asSession = new IAM({ endpoint: world.sandbox.endpoint, region: 'us-east-1', credentials: session, maxAttempts: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'revoke-e2e-contain-'));
    world.sandbox.faults.latencyMs = LATENCY_MS;

    // The person tries the key every 10 ms (without waiting for answers); the first refused try
    // was sent after the containment landed.
    const tries: Array<Promise<{ sent: number; accepted: boolean }>> = [];
    const probe = setInterval(() => {
      const sent = Date.now();
      tries.push(asPerson.getUser({ UserName: 'jdoe' }).then(() => ({ sent, accepted: true }), () => ({ sent, accepted: false })));
      void asSession.getUser({ UserName: 'jdoe' }).catch(() => undefined);
    }, 10);
    const result = await runBin(['user', 'jdoe', '-r', writeTemp('contain.yaml', runbook), '--yes', '--report', dir], { env: sandboxEnvironment(world.sandbox), timeoutMs: 30_000 });
    clearInterval(probe);
    const answers = await Promise.all(tries);
    const refusedAt = Math.min(...answers.filter((a) => !a.accepted).map((a) => a.sent));
    world.sandbox.faults.latencyMs = 0;
    expect(result.code, result.stderr).toBe(0);

    const journal = readJournal(join(dir, readdirSync(dir).find((name) => name.endsWith('.journal.jsonl'))!)).records;
    const discoveryEnd = Math.max(...journal.filter((r) => r.type === 'discovery-finished').map((r) => Date.parse(r.ts)));
    expect(answers[0]!.accepted).toBe(true);
    expect(refusedAt).toBeLessThan(discoveryEnd);
    // Recorded like any finding: planned as containment, revoked once, before the steps start.
    const contained = journal.filter((r) => r.type === 'containment-planned').map((r) => (r.type === 'containment-planned' ? `${r.stepId}/${r.finding.kind}/${r.finding.id}` : ''));
    expect(contained).toEqual(['aws-contain/sessions/user/jdoe', 'aws-contain/user/deny-all']);
    const firstStep = journal.findIndex((r) => r.type === 'step-started');
    const revokedFirst = journal.slice(0, firstStep).filter((r) => r.type === 'revoke-finished').map((r) => (r.type === 'revoke-finished' ? `${r.findingId}:${r.outcome}` : ''));
    expect(revokedFirst.sort()).toEqual(['deny-all:revoked', 'user/jdoe:revoked']);
    expect(result.stdout).toContain('deny-all policy RevokeDenyAll on jdoe');
    // The session, in the order the sandbox decided: once refused, never accepted again, not in
    // the gap between removing revoke's own policies and DeleteUser (the AWSDenyAll boundary holds it).
    expect(result.stdout).toContain('AWSDenyAll permissions boundary on jdoe, holding it while it is deleted');
    const sessionAnswers = world.sandbox.requests.filter((r) => r.accessKeyId === session.accessKeyId).map((r) => (r.status === 200 ? 'ok' : r.code));
    const firstRefusal = sessionAnswers.findIndex((a) => a !== 'ok');
    expect(firstRefusal).toBeGreaterThan(0);
    expect(sessionAnswers.slice(firstRefusal).filter((a) => a === 'ok'), sessionAnswers.join(' ')).toEqual([]);
    expect(result.stdout).not.toContain(key.secret);
  });

  it("with --yes a refusal found late by one provider still comes before every removal in another: only containment went out", async () => {
    // GitHub answers slowly and finds the leaver is acme's only owner two round trips in; AWS has
    // long finished discovering by then. AWS's removals wait for GitHub's guards (the gate), so
    // nothing but AWS's reversible containment was sent.
    const github = await startGitHubSandbox({ latencyMs: 150 });
    try {
      const token = seedOrg(github, { org: 'acme', operator: 'revoke-bot' });
      github.state.orgs.get('acme')!.members.set('revoke-bot', { role: 'member' });
      seedGitHubUser(github, 'acme', { login: 'owner1', role: 'admin' });
      await world.seed('owner1');
      const before = world.sandbox.requests.length;
      const both = yaml`
        version: 1
        name: gate-e2e
        providers:
          aws: { type: aws-iam }
          gh: { type: github, org: acme }
        steps:
          - { id: aws-contain, provider: aws, user: "{{user}}", mode: disable, revoke: [sessions, access-keys, login-profile, user] }
          - { id: aws-remove, provider: aws, user: "{{user}}", mode: delete, revoke: [all], dependsOn: [aws-contain] }
          - { id: gh-membership, provider: gh, user: "{{user}}", revoke: [org-membership] }
      `;
      const dir = mkdtempSync(join(tmpdir(), 'revoke-e2e-gate-'));
      const result = await runBin(['user', 'owner1', '-r', writeTemp('gate.yaml', both), '--yes', '--report', dir], {
        env: { ...sandboxEnvironment(world.sandbox), ...githubSandboxEnvironment(github, token) },
        timeoutMs: 30_000,
      });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('owner1 is the last owner of acme; removing them would leave the org without an owner');
      expect(result.stderr).toContain('containment had already been sent first: 2 findings, reversible');
      const sent = world.sandbox.requests.slice(before).filter((r) => r.mutating && r.accessKeyId === world.sandbox.operator.accessKeyId);
      expect(sent.map((r) => r.action).sort()).toEqual(['PutUserPolicy', 'PutUserPolicy']);
      expect(world.sandbox.state.users.get('owner1')!.accessKeys.length).toBeGreaterThan(0);
      expect(github.exchanges.filter((e) => e.mutating)).toEqual([]);
      // AWS's discovery was long done when the refusal came: the gate, not discovery, held its removals.
      const journal = readJournal(join(dir, readdirSync(dir).find((name) => name.endsWith('.journal.jsonl'))!)).records;
      const awsDiscovered = Math.max(...journal.filter((r) => r.type === 'discovery-finished' && r.stepId.startsWith('aws-')).map((r) => Date.parse(r.ts)));
      const refused = Date.parse(journal.find((r) => r.type === 'discovery-failed' && r.stepId === 'gh-membership')!.ts);
      expect(refused - awsDiscovered).toBeGreaterThan(100);
      expect(journal.some((r) => r.type === 'step-started')).toBe(false);
    } finally {
      await github.close();
    }
  });
});
