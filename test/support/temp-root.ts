import { accessSync, chmodSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Room the run needs in memory: the packaging test installs ~180 MB, journals and clusters are small. */
const MEMORY_ROOT_MIN_FREE = 1024 ** 3;

/**
 * Where the run's temporary root goes: /dev/shm (tmpfs) when it is there, writable and roomy,
 * because every run of revoke fsyncs its journal and the packaging test writes ~10,000 files:
 * on disk that is seconds of kernel time and waiting; in memory next to none. Otherwise (a
 * Docker container's 64 MB /dev/shm, macOS) the OS temp folder. REVOKE_TEST_TMP picks one.
 */
function baseFolder(): string {
  if (process.env.REVOKE_TEST_TMP) return process.env.REVOKE_TEST_TMP;
  try {
    accessSync('/dev/shm', constants.W_OK);
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize >= MEMORY_ROOT_MIN_FREE) return '/dev/shm';
  } catch {
    // No /dev/shm here: the OS temp folder.
  }
  return tmpdir();
}

/**
 * Vitest global setup: every test worker, and every binary the tests spawn, makes its temporary
 * folders (`revoke-*`) under one root for this run, removed at the end. Set REVOKE_KEEP_TEST_TMP=1
 * to keep it (its path is printed) when a failure needs looking at.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(baseFolder(), 'revoke-test-run-'));
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
