import { createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADMIN, googleRunbook, googleWorld, seedPerson } from '../support/google.js';
import { testRsaKeyPair } from '../support/rsa-key.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function assertion(privateKey: string, claims: Record<string, unknown>): string {
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;
}

describe('the Google sandbox token endpoint (JWT-bearer grant, domain-wide delegation)', () => {
  it('issues a token only for a valid signature, audience, lifetime, subject and delegated scopes', async () => {
    const world = await googleWorld();
    const key = JSON.parse(world.key) as { private_key: string; client_email: string };
    const now = Math.floor(Date.now() / 1000);
    const good = { iss: key.client_email, sub: ADMIN, aud: 'https://oauth2.googleapis.com/token', scope: 'https://www.googleapis.com/auth/admin.directory.user', iat: now, exp: now + 3600 };
    const exchange = async (claims: Record<string, unknown>, signingKey = key.private_key) => {
      const response = await fetch(world.sandbox.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: assertion(signingKey, claims) }),
      });
      return { status: response.status, body: (await response.json()) as { error?: string; error_description?: string; access_token?: string } };
    };
    const issued = await exchange(good);
    expect(issued.status).toBe(200);
    expect(issued.body.access_token).toMatch(/^ya29\./);
    const otherKey = testRsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await exchange(good, otherKey)).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    expect((await exchange({ ...good, aud: 'https://example.com/token' })).body.error).toBe('invalid_grant');
    expect((await exchange({ ...good, iat: now - 7200, exp: now - 3600 })).body.error).toBe('invalid_grant');
    expect((await exchange({ ...good, sub: 'nobody@acme.example' })).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid email or User ID' });
    expect((await exchange({ ...good, scope: 'https://www.googleapis.com/auth/drive' })).status).toBe(401);
    expect((await exchange({ ...good, iss: 'stranger@x.iam.gserviceaccount.com' })).body.error).toBe('invalid_client');
    // The token never lands in the sandbox's log.
    expect(JSON.stringify(world.sandbox.exchanges)).not.toContain(issued.body.access_token);
    // An Admin SDK call without a token gets Google's 401 error shape.
    const anonymous = await fetch(new URL('admin/directory/v1/users/it-admin@acme.example', world.sandbox.url));
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: number } }).error.code).toBe(401);
  });

  it('a subject that is not a user of the customer is exit 2 through the CLI, naming Google\'s answer', async () => {
    const world = await googleWorld();
    seedPerson(world, 'jane.doe@acme.example');
    const runbook = googleRunbook(world, { remove: false, edit: (text) => text.replace(`subject: ${ADMIN}`, 'subject: former-admin@acme.example') });
    const { code, stderr } = await world.revoke(['user', 'jane.doe@acme.example', '-r', runbook, '--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toContain('Google refused a token for service account revoke@offboarding-1.iam.gserviceaccount.com acting as former-admin@acme.example (provider google): invalid_grant: Invalid email or User ID');
    expect(stderr).toMatch(/fix: check subject:/);
  });

  it('adds the seeded latency to every answer', async () => {
    const world = await googleWorld({ latencyMs: 80 });
    const started = performance.now();
    const response = await fetch(new URL('admin/directory/v1/users', world.sandbox.url));
    expect(response.status).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });
});
