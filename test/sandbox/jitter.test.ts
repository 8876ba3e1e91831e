import { describe, expect, it } from 'vitest';
import { startGitHubSandbox } from '../../src/sandbox/github/server.js';
import { startGoogleSandbox } from '../../src/sandbox/google/server.js';
import { sandboxIamClient } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox } from '../../src/sandbox/iam/server.js';
import { startOktaSandbox } from '../../src/sandbox/okta/server.js';

// jitterMs is what test/e2e/jitter.test.ts relies on: it must really reorder requests, or that
// test would prove nothing. 16 requests sent in order, each tagged; the order the sandbox
// processed them in (its own log) must be another one.
const N = 16;
const tags = Array.from({ length: N }, (_, i) => `p${String(i).padStart(2, '0')}`);

describe('sandbox network jitter (jitterMs): requests sent together are processed in any order', () => {
  it('IAM, GitHub, Google Workspace and Okta', async () => {
    const iam = await startIamSandbox({ jitterMs: 40 });
    const github = await startGitHubSandbox({ jitterMs: 40 });
    const google = await startGoogleSandbox({ jitterMs: 40 });
    const okta = await startOktaSandbox({ jitterMs: 40 });
    try {
      const client = sandboxIamClient(iam);
      await Promise.all(tags.map((tag) => client.getUser({ UserName: tag }).catch(() => undefined)));
      const iamOrder = iam.requests.filter((r) => r.action === 'GetUser').map((r) => r.params.UserName);

      const sendAll = (url: (tag: string) => string) => Promise.all(tags.map((tag) => fetch(url(tag)).then((r) => r.arrayBuffer())));
      await sendAll((tag) => `${github.url}/orgs/${tag}`);
      await sendAll((tag) => `${google.url}/admin/directory/v1/users/${tag}%40acme.example`);
      await sendAll((tag) => `${okta.url}/api/v1/users/${tag}`);
      const tagOf = (path: string) => /p\d\d/.exec(path)?.[0];
      const orders = {
        iam: iamOrder,
        github: github.exchanges.map((e) => tagOf(e.path)),
        google: google.exchanges.map((e) => tagOf(e.path)),
        okta: okta.exchanges.map((e) => tagOf(e.path)),
      };
      for (const [name, order] of Object.entries(orders)) {
        expect([...order].sort(), name).toEqual(tags);
        expect(order, name).not.toEqual(tags);
      }
    } finally {
      await Promise.all([iam.close(), github.close(), google.close(), okta.close()]);
    }
  });
});
