import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
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
export async function runCli(argv: string[], registry: ProviderRegistry, options: { env?: NodeJS.ProcessEnv; tty?: boolean; signals?: EventEmitter } = {}) {
  const stdout = new Capture(false);
  const stderr = new Capture(Boolean(options.tty));
  const stdin = Object.assign(new PassThrough(), { isTTY: Boolean(options.tty) });
  const signals = options.signals ?? new EventEmitter();
  const io: CliIO = {
    stdout,
    stderr,
    stdin,
    env: options.env ?? {},
    registry: async () => registry,
    signals: signals as unknown as CliIO['signals'],
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-test-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
