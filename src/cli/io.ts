import type { ProviderRegistry } from '../providers/registry.js';

type OutStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Provider types available; the built-in ones unless a test passes its own. */
  registry: () => Promise<ProviderRegistry>;
  /** Where SIGINT/SIGTERM come from; the process unless a test passes its own. */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    registry: async () => (await import('../providers/builtin.js')).builtinRegistry(),
    signals: process,
  };
}

export function writeLine(stream: OutStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
