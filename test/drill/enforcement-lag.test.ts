import { IAM } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sandboxIamClient } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';

let sandbox: IamSandbox;
beforeAll(async () => {
  sandbox = await startIamSandbox({ enforcementDelayMs: 400 });
});
afterAll(async () => sandbox?.close());

const as = (key: { AccessKeyId?: string; SecretAccessKey?: string }) =>
  new IAM({ region: 'us-east-1', endpoint: sandbox.endpoint, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
const works = (iam: IAM) => iam.getUser({ UserName: 'lagging' }).then(() => true, (e: Error) => (e.name === 'InvalidClientTokenId' ? false : Promise.reject(e)));

it('with an enforcement delay, IAM answers changes at once but enforces them only after the delay (keys made and deactivated)', async () => {
  const admin = sandboxIamClient(sandbox);
  await admin.createUser({ UserName: 'lagging' });
  const { AccessKey } = await admin.createAccessKey({ UserName: 'lagging' });
  const key = as(AccessKey!);
  expect(await works(key)).toBe(false); // a new key is not accepted yet
  await new Promise((r) => setTimeout(r, 450));
  expect(await works(key)).toBe(true);

  await admin.updateAccessKey({ UserName: 'lagging', AccessKeyId: AccessKey!.AccessKeyId!, Status: 'Inactive' });
  // The control plane says Inactive at once...
  expect((await admin.listAccessKeys({ UserName: 'lagging' })).AccessKeyMetadata?.[0]?.Status).toBe('Inactive');
  // ...but the key keeps working until the change is enforced.
  expect(await works(key)).toBe(true);
  await new Promise((r) => setTimeout(r, 450));
  expect(await works(key)).toBe(false);

  sandbox.enforcement.delayMs = 0; // and off again: at once
  await admin.updateAccessKey({ UserName: 'lagging', AccessKeyId: AccessKey!.AccessKeyId!, Status: 'Active' });
  expect(await works(key)).toBe(true);
});
