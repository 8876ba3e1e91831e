import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intervalMs, pointInTime } from '../../src/cli/commands/option-parsers.js';
import { BIN, ROOT, runBin } from '../support/spawn.js';

const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

/** Runs the binary on a pseudo-terminal (util-linux `script`), so stdin and stderr are TTYs. */
function runOnTerminal(args: string[], env: NodeJS.ProcessEnv) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  return spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, TERM: 'xterm', ...env } });
}

describe('on-call defaults (the built binary)', () => {
  it.runIf(hasScript)('CI=true means no prompt even on a terminal: a real run without --yes is exit 2 at once', () => {
    const result = runOnTerminal(['user', 'alice', '-r', 'runbooks/demo.yaml', '--report', '/tmp/revoke-never-written'], { CI: 'true' });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toContain('a real run needs confirmation, and CI is set (no prompts in CI)');
    expect(result.stdout).toContain('pass --yes');
    expect(result.status).toBe(2);
  });

  it('watch --since/--until accept durations and ISO 8601; anything else, and --interval under 1s, are usage errors', async () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(pointInTime('30m', () => now)).toBe('2026-11-28T11:30:00.000Z');
    expect(pointInTime('2d', () => now)).toBe('2026-11-26T12:00:00.000Z');
    expect(pointInTime('2026-11-28T09:00:00+01:00')).toBe('2026-11-28T08:00:00.000Z');
    expect(intervalMs('1s')).toBe(1000);
    for (const [option, value, message] of [
      ['--since', 'yesterday', 'expected an ISO 8601 time'],
      ['--until', '2026-13-45', 'expected an ISO 8601 time'],
      ['--interval', '500ms', 'expected at least 1s'],
      ['--interval', '0', 'expected at least 1s'],
    ] as const) {
      const result = await runBin(['watch', 'package.json', option, value]);
      expect(result.code, `${option} ${value}`).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('every runbook a message or help text points at exists', () => {
    const sources = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const named = new Set(sources('src').flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/runbooks\/[\w-]+\.yaml/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThan(0);
    for (const runbook of named) expect(existsSync(join(ROOT, runbook)), runbook).toBe(true);
  });
});
