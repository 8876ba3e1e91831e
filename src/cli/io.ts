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

/**
 * Whether a person can be asked: stdin and stderr are terminals and this is not CI. CI=true (as
 * every CI system sets it) means non-interactive even where a job allocates a terminal.
 */
export function isInteractive(io: Pick<CliIO, 'stdin' | 'stderr' | 'env'>): boolean {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false' && io.env.CI !== '0';
  return Boolean(io.stdin.isTTY && io.stderr.isTTY) && !ci;
}

export function writeLine(stream: OutStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
