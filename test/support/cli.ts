import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { writesReportsByDefault } from './spawn.js';
import { main } from '../../src/cli/main.js';
import type { ProviderRegistry } from '../../src/providers/registry.js';

class Capture extends PassThrough {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
    this.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
  }
}

/** Runs the CLI in-process with a given registry and captured stdio. */
export async function runCli(argv: string[], registry: ProviderRegistry, options: { env?: NodeJS.ProcessEnv; tty?: boolean; signals?: EventEmitter; scratch?: string; onStdout?: (chunk: string) => void } = {}) {
  const stdout = new Capture(false);
  if (options.onStdout) stdout.on('data', (chunk: Buffer) => options.onStdout!(chunk.toString()));
  const stderr = new Capture(Boolean(options.tty));
  const stdin = Object.assign(new PassThrough(), { isTTY: Boolean(options.tty) });
  const signals = options.signals ?? new EventEmitter();
  const scratch = options.scratch ?? mkdtempSync(join(tmpdir(), 'revoke-cli-'));
  const io: CliIO = {
    stdout,
    stderr,
    stdin,
    // Reports and any default signing key go to a fresh temporary folder, never the developer's.
    env: { XDG_CONFIG_HOME: scratch, ...options.env },
    registry: async () => registry,
    signals: signals as unknown as CliIO['signals'],
  };
  const args = writesReportsByDefault(argv) ? [...argv, '--report', join(scratch, 'reports')] : argv;
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text, scratch };
}

export function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-test-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
