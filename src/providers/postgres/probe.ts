import pg from 'pg';
import type { CanaryCredential, ProbeAnswer } from '../drill-hooks.js';
import type { PostgresProbeSecret } from './canary.js';

/** SQLSTATEs of a refused login: NOLOGIN (28000) and a wrong password or a role that is gone (28P01). */
const LOGIN_REFUSED = new Set(['28000', '28P01']);

/**
 * `login`: a new connection with the canary's password. `open-session`: `SELECT 1` on the session
 * opened before the revocation; once the server terminated it, every query fails.
 */
export async function probePostgresCredential(credential: CanaryCredential, _signal: AbortSignal): Promise<ProbeAnswer> {
  const secret = credential.secret as PostgresProbeSecret;
  if (credential.name === 'open-session') {
    try {
      await secret.session.query('SELECT 1');
      return 'allowed';
    } catch {
      return 'denied';
    }
  }
  const client = new pg.Client(secret.login);
  client.on('error', () => {});
  try {
    await client.connect();
    return 'allowed';
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code && LOGIN_REFUSED.has(code)) return 'denied';
    throw new Error(`probing ${credential.label}: ${code ? `${code}: ` : ''}${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
