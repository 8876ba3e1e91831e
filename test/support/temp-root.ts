import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every test worker, and every binary the tests spawn, makes its temporary
 * folders (`revoke-*`) under one root for this run, removed at the end. Set REVOKE_KEEP_TEST_TMP=1
 * to keep it (its path is printed) when a failure needs looking at.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'revoke-test-run-'));
  // Traversable by others like /tmp itself: as root, the PostgreSQL tests run the server as `postgres`.
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  return () => {
    if (process.env.REVOKE_KEEP_TEST_TMP === '1') {
      process.stderr.write(`test temporary folders kept in ${root}\n`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
