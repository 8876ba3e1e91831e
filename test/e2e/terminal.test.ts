import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnvironment, sandboxIamClient, seedUser } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox } from '../../src/sandbox/iam/server.js';
import { BIN, ROOT } from '../support/spawn.js';

/**
 * The paths only a terminal takes, through the built binary: the live task list (listr2) and the
 * confirmation prompt (@inquirer/prompts) are loaded lazily, so only a run on a terminal proves
 * they survive bundling. `script` (util-linux) gives the binary a pseudo-terminal.
 */
let sandbox: IamSandbox;
beforeAll(async () => {
  sandbox = await startIamSandbox();
});
afterAll(async () => sandbox?.close());

function onTerminal(args: string[], answer: string): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-tty-'));
  const command = [process.execPath, BIN, ...args, '--report', join(dir, 'reports')].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...sandboxEnvironment(sandbox, { PATH: process.env.PATH, HOME: dir }), XDG_CONFIG_HOME: dir, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!answered && output.includes('(y/N)')) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') });
    });
  });
}

describe('on a terminal, through the built binary', () => {
  it('shows the live task list and asks; "n" changes nothing and exits 1', async () => {
    await seedUser(sandboxIamClient(sandbox), 'tty-no', { accessKeys: 1 });
    const before = sandbox.requests.length;
    const { code, output } = await onTerminal(['user', 'tty-no', '-r', 'test/fixtures/aws-offboarding.yaml'], 'n');
    expect(output).toContain('Revoke these 6 items from tty-no now?');
    expect(output).toContain('✔'); // listr2's finished-task mark
    expect(output).not.toMatch(/internal error|is not a function|is not a constructor/);
    expect(code).toBe(1);
    expect(sandbox.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
    expect(sandbox.state.users.get('tty-no')!.accessKeys[0]!.status).toBe('Active');
  }, 40_000);

  it('"y" revokes', async () => {
    await seedUser(sandboxIamClient(sandbox), 'tty-yes', { accessKeys: 1 });
    const { code, output } = await onTerminal(['user', 'tty-yes', '-r', 'test/fixtures/aws-offboarding.yaml'], 'y');
    expect(code, output.slice(-500)).toBe(0);
    expect(sandbox.state.users.has('tty-yes')).toBe(false);
  }, 40_000);
});
