import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/revoke.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the real binary. stdin is a pipe that is never closed, like a CI job's, so a command
 * that waited on a prompt would hang until `timeoutMs` and fail the test.
 */
export function runBin(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const scratch = mkdtempSync(join(tmpdir(), 'revoke-bin-'));
    const argv = writesReportsByDefault(args) ? [...args, '--report', join(scratch, 'reports')] : args;
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd ?? ROOT,
      // A fresh config folder, so no test creates or uses the developer's default signing key.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: scratch, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/**
 * Runs the real binary and sends `signal` the first time `shouldSignal()` holds (polled every
 * 5 ms): for crash and interrupt tests that stop a run at a chosen point of its journal.
 */
export function runBinUntil(args: string[], env: NodeJS.ProcessEnv, shouldSignal: () => boolean, signal: NodeJS.Signals): Promise<SpawnResult & { signalled: boolean }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let signalled = false;
    const poll = setInterval(() => {
      if (signalled || !shouldSignal()) return;
      signalled = true;
      child.kill(signal);
    }, 5);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stdout, stderr, ms: performance.now() - started, signalled });
    });
  });
}

/**
 * Commands whose signed reports go to `./reports` unless told otherwise: a test that does not say
 * where gets its scratch folder, so no run leaves reports in the checkout. (`restore` writes next
 * to the report it restores.)
 */
export function writesReportsByDefault(argv: string[]): boolean {
  return ['user', 'apply', 'audit', 'watch', 'drill', 'secret'].includes(argv[0]!) && !argv.some((a) => a === '--report' || a.startsWith('--report='));
}
