import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exposureOf, iamGetUser, startLatencyRelay, startProbe } from '../../bench/support/probes.mjs';
import { sandboxIamClient, seedUser, startIamSandbox, type IamSandbox } from '../../src/sandbox/index.js';

// The attacker's side of bench/exposure-window.mjs: what it reports is only as true as these.
const sandboxes: IamSandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) await sandbox.close();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('exposure-window probes', () => {
  it('a probe of an IAM access key sees it accepted until it is deactivated, and refused from then on', async () => {
    const sandbox = await startIamSandbox();
    sandboxes.push(sandbox);
    const iam = sandboxIamClient(sandbox);
    await seedUser(iam, 'jdoe', { accessKeys: 1 });
    const key = sandbox.state.users.get('jdoe')!.accessKeys[0]!;
    const probe = startProbe('access key', iamGetUser(sandbox.endpoint, 'jdoe', key.id));
    await sleep(60);
    const t0 = performance.now();
    await sleep(60);
    const revokeSent = performance.now() - t0;
    await iam.updateAccessKey({ UserName: 'jdoe', AccessKeyId: key.id, Status: 'Inactive' });
    const revokeAnswered = performance.now() - t0;
    await sleep(350);
    await probe.stop();

    const seen = exposureOf(probe, t0);
    expect(seen.acceptedBeforeSpawn).toBe(true);
    expect(seen.deniedAtEnd).toBe(true);
    expect(seen.lastAcceptedMs!).toBeGreaterThan(0);
    expect(seen.lastAcceptedMs!).toBeLessThan(revokeAnswered);
    expect(seen.windowMs!).toBeGreaterThan(seen.lastAcceptedMs!);
    expect(seen.windowMs!).toBeGreaterThan(revokeSent - 50); // a use in flight at the change may be refused
    // After the change nothing was accepted; the probe kept trying, every ~100 ms once refused.
    const after = probe.uses.filter((u) => u.sentAt - t0 > revokeAnswered);
    expect(after.filter((u) => u.ok)).toEqual([]);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeLessThanOrEqual(6);
  });

  it('a kill between two sparse uses: the window ends at the first refused use, within the dense interval of the kill, not at the last accepted use before it', async () => {
    let killed = false;
    const probe = startProbe('sparse until the kill', () => !killed, { intervalMs: 5, sparseMs: 100, dense: () => killed });
    const t0 = performance.now();
    await sleep(150); // sparse: accepted at ~0 and ~100 ms
    // Killed between two sparse uses, at least 40 ms after the last (the next is due 100 ms after it).
    while (performance.now() - probe.uses.at(-1)!.sentAt < 40) await sleep(2);
    killed = true;
    const killedAt = performance.now() - t0;
    await sleep(60);
    await probe.stop();
    const seen = exposureOf(probe, t0);
    expect(killedAt - seen.lastAcceptedMs!).toBeGreaterThan(25); // what the window used to report: too early
    expect(seen.windowMs! - killedAt).toBeGreaterThanOrEqual(0);
    expect(seen.windowMs! - killedAt).toBeLessThan(80); // the dense interval is 5 ms; the margin is for a loaded machine, still under the sparse 100 ms
  });

  it('a credential that comes back extends the window past its last accepted use', async () => {
    let accepted = true;
    const probe = startProbe('flapping', () => accepted, { intervalMs: 5, sparseMs: 5 });
    const t0 = performance.now();
    await sleep(40);
    accepted = false;
    await sleep(40);
    accepted = true;
    const cameBack = performance.now() - t0;
    await sleep(40);
    accepted = false;
    await sleep(40);
    await probe.stop();
    const seen = exposureOf(probe, t0);
    expect(seen.windowMs!).toBeGreaterThan(cameBack);
    expect(seen.deniedAtEnd).toBe(true);
  });

  it('a probe stops by itself at its bound of uses', async () => {
    const probe = startProbe('bounded', () => true, { intervalMs: 1, maxUses: 5 });
    await sleep(100);
    expect(probe.uses).toHaveLength(5);
    await probe.stop();
  });

  it('the latency relay delays what the server sends by its latency, in order, and notes the first mutating statement', async () => {
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const relay = await startLatencyRelay((echo.address() as AddressInfo).port, 40, { mutation: /\bALTER\s/ });
    try {
      const client = createConnection({ host: '127.0.0.1', port: relay.port });
      await once(client, 'connect');
      let received = '';
      client.on('data', (chunk: Buffer) => (received += chunk.toString()));
      const sent = performance.now();
      for (const part of ['a', 'b', 'c']) client.write(part);
      while (received.length < 3) await sleep(2);
      expect(performance.now() - sent).toBeGreaterThanOrEqual(39);
      expect(received).toBe('abc');
      expect(relay.firstMutation).toBeUndefined();
      const altered = performance.now();
      client.write('ALTER ROLE "jdoe" NOLOGIN');
      while (received.length < 28) await sleep(2);
      expect(relay.firstMutation).toBeGreaterThanOrEqual(altered);
      client.destroy();
    } finally {
      await relay.close();
      echo.close();
    }
  });
});
