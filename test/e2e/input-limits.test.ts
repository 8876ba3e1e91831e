import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_USERS_BYTES } from '../../src/audit/users-file.js';
import { RUNBOOK_LIMITS } from '../../src/runbook/source.js';
import { writeTemp } from '../support/cli.js';
import { runBin } from '../support/spawn.js';

/** Nine aliases of nine aliases of …: a few hundred bytes that expand to millions of nodes. */
const aliasBomb = ['version: 1', 'name: bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');

describe('hostile input never crashes the binary: a located diagnostic, exit 2', () => {
  it('a YAML alias bomb', async () => {
    const file = writeTemp('bomb.yaml', `${aliasBomb}\n`);
    for (const args of [['validate', file], ['user', 'x', '-r', file, '--dry-run']]) {
      const { code, stderr } = await runBin(args);
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(`${file}:4:8: error: YAML aliases expand too much`);
      expect(stderr).not.toContain('internal error');
    }
  });

  it('nesting deeper than the limit, block or flow', async () => {
    const block = ['version: 1', 'name: deep', 'x:', ...Array.from({ length: RUNBOOK_LIMITS.maxDepth + 5 }, (_, i) => `${'  '.repeat(i + 1)}k:`)].join('\n');
    const flow = `version: 1\nname: deep\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    for (const text of [block, flow]) {
      const file = writeTemp('deep.yaml', text);
      const { code, stderr } = await runBin(['validate', file]);
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: error: nesting deeper than ${RUNBOOK_LIMITS.maxDepth} levels`));
    }
  });

  it('a runbook over 1 MiB, and a users list over 50 MiB', async () => {
    const file = writeTemp('big.yaml', `version: 1\n${'#'.repeat(RUNBOOK_LIMITS.maxBytes)}\n`);
    const big = await runBin(['validate', file]);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`runbook ${file} is ${RUNBOOK_LIMITS.maxBytes + 12} bytes, more than revoke reads (1048576 bytes, 1 MiB)`);
    const runbook = writeTemp('ok.yaml', 'version: 1\nname: ok\nproviders:\n  gh:\n    type: github\n    org: acme\nsteps:\n  - id: a\n    provider: gh\n    user: "{{user}}"\n    revoke: [org-membership]\n');
    const users = writeTemp('users.txt', '');
    writeFileSync(users, Buffer.alloc(MAX_USERS_BYTES + 1, 'a'));
    const audit = await runBin(['audit', '-r', runbook, '--users', users]);
    expect(audit.code).toBe(2);
    expect(audit.stderr).toContain(`${users} is ${MAX_USERS_BYTES + 1} bytes, more than revoke reads as a users list (52428800 bytes, 50 MiB)`);
  });
});
