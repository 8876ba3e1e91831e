import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * An error the user can act on: what is wrong, optionally where, and how to fix it.
 * `exitCode` maps it onto the table in exit-codes.ts.
 */
export class RevokeError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'RevokeError';
  }
}

export class InvalidInputError extends RevokeError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.InvalidInput, fix);
    this.name = 'InvalidInputError';
  }
}

/** A guard's refusal (the last owner, a superuser, ...): worded input the run must stop on, exit 2. */
export function isRefusal(error: unknown): error is RevokeError {
  return error instanceof RevokeError && error.exitCode === ExitCode.InvalidInput;
}

/** A runbook problem with its source location. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  fix?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: error: ${d.message}`;
  return d.fix ? `${head}\n  fix: ${d.fix}` : head;
}

export class RunbookInvalidError extends InvalidInputError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'RunbookInvalidError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
