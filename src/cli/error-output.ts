import { RevokeError, RunbookInvalidError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { fsPathError, isFileSystemError } from './paths.js';
import { writeLine, type CliIO } from './io.js';

/** The JSON error document `--json` commands print on stdout, so CI parsers never get an empty stdout. */
export interface ErrorDocument {
  error: { message: string; fix?: string; location?: string; exitCode: number; bug?: true };
}

/** Whether the command line asked for JSON on stdout (--json or --format json). */
export function wantsJson(argv: string[]): boolean {
  return argv.some((arg, i) => arg === '--json' || arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

export function errorDocument(error: unknown): ErrorDocument {
  // A file-system error that escaped the up-front path checks is still bad input at a place.
  const known = isFileSystemError(error) ? fsPathError(error.path, error.path, error, `${error.syscall} it`) : error;
  if (known instanceof RevokeError) {
    const first = known instanceof RunbookInvalidError ? known.diagnostics[0] : undefined;
    const location = first ? `${first.file}:${first.line}:${first.col}` : (known as { location?: string }).location;
    return { error: { message: known.message, ...(known.fix ? { fix: known.fix } : {}), ...(location ? { location } : {}), exitCode: known.exitCode } };
  }
  return {
    error: {
      message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'this is a bug in revoke; please report it with the command you ran',
      exitCode: ExitCode.ActionFailed,
      bug: true,
    },
  };
}

/** Prints an error (on stderr; also as a JSON document on stdout with --json) and returns its exit code. */
export function reportError(error: unknown, io: CliIO, options: { json?: boolean } = {}): number {
  const document = errorDocument(error);
  const { message, fix, exitCode, bug } = document.error;
  if (bug) {
    writeLine(io.stderr, `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    writeLine(io.stderr, `  ${fix}`);
  } else {
    writeLine(io.stderr, `error: ${message}`);
    if (fix) writeLine(io.stderr, `  fix: ${fix}`);
  }
  if (options.json) writeLine(io.stdout, JSON.stringify(document, null, 2));
  return exitCode;
}
