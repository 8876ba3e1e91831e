import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { InvalidInputError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { writeLine, type CliIO } from './io.js';

export interface SandboxOptions {
  latency?: number;
  jitter?: number;
  faults?: { seed: number; rate: number };
  enforcementDelay?: number;
  seed: string[];
  portBase?: number;
}

/** Starts the local endpoints, prints how to use them, and runs until SIGINT/SIGTERM. */
export async function sandboxCommand(options: SandboxOptions, io: CliIO): Promise<number> {
  const people = options.seed.length > 0 ? options.seed : ['jdoe'];
  const { startStandaloneSandbox } = await import('../sandbox/standalone.js');
  let sandbox;
  try {
    sandbox = await startStandaloneSandbox({
      people,
      latencyMs: options.latency ?? 0,
      jitterMs: options.jitter ?? 0,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.enforcementDelay !== undefined ? { enforcementDelayMs: options.enforcementDelay } : {}),
      ...(options.portBase !== undefined ? { portBase: options.portBase } : {}),
      demoRunbookPath: join(packageRoot(import.meta.url), 'runbooks', 'demo.yaml'),
      // REVOKE_SANDBOX_NO_POSTGRES=1 skips the cluster (seconds of initdb) where it is not wanted, e.g. tests.
      withPostgres: io.env.REVOKE_SANDBOX_NO_POSTGRES !== '1',
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new InvalidInputError(`cannot listen on 127.0.0.1 port ${(error as { port?: number }).port ?? '?'} (${code})`, 'pick another --port-base, or leave it out to use free ports');
    }
    throw error;
  }
  const out = (line = '') => writeLine(io.stdout, line);
  out(`# revoke sandbox: local endpoints on 127.0.0.1, seeded with ${people.join(', ')}; nothing leaves this machine.`);
  for (const endpoint of sandbox.endpoints) out(`#   ${endpoint.name.padEnd(17)} ${endpoint.url}`);
  if (sandbox.postgresNote) out(`#   ${sandbox.postgresNote}`);
  if (options.jitter) out(`#   each HTTP request is processed after a random 0-${options.jitter} ms (--jitter): requests sent together may be processed in any order`);
  out('# Paste these into another shell (the credentials only work on this sandbox):');
  for (const [name, value] of Object.entries(sandbox.env)) out(`export ${name}=${shellQuote(value)}`);
  out(`export REVOKE_SANDBOX_RUNBOOK=${shellQuote(sandbox.runbookPath)}`);
  out('# Then try:');
  out(`#   revoke user ${people[0]} -r "$REVOKE_SANDBOX_RUNBOOK" --dry-run`);
  out(`#   revoke user ${people[0]} -r "$REVOKE_SANDBOX_RUNBOOK" --yes --sign-key ${sandbox.signKey}`);
  out(`# Ctrl-C stops the sandbox and removes ${sandbox.dir} (copy the runbook first to keep it).`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      io.signals.off('SIGINT', stop);
      io.signals.off('SIGTERM', stop);
      resolve(received);
    };
    io.signals.on('SIGINT', stop);
    io.signals.on('SIGTERM', stop);
  });
  await sandbox.close();
  writeLine(io.stderr, `${signal}: sandbox stopped, ${sandbox.dir} removed`);
  return ExitCode.Success;
}

/** POSIX single-quoting: safe to paste whatever the value holds. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
