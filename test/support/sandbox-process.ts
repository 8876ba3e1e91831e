import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN, ROOT } from './spawn.js';

export interface RunningSandbox {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  /** What a shell gets from pasting the printed export lines. */
  exports: Record<string, string>;
}

/** Starts the built `revoke sandbox …` and resolves once it has printed its exports. Kill it when done. */
export async function startSandboxProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningSandbox> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env } });
  const running = { child, stdout: '', stderr: '', exited: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))), exports: {} };
  child.stderr.on('data', (c: Buffer) => (running.stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      running.stdout += c.toString();
      if (running.stdout.includes('# Ctrl-C stops')) resolve();
    });
    void running.exited.then((code) => reject(new Error(`sandbox exited ${code}: ${running.stderr}`)));
  });
  running.exports = Object.fromEntries([...running.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1').replace(/'\\''/g, "'")]));
  return running;
}
