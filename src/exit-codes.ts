/** The one table of exit codes. The README's table is generated from the same words. */
export const ExitCode = {
  Success: 0,
  ActionFailed: 1,
  InvalidInput: 2,
  AccessFound: 3,
  Incomplete: 4,
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodeMeanings: ReadonlyArray<{ code: ExitCodeValue; meaning: string }> = [
  { code: ExitCode.Success, meaning: 'success: everything revoked or already gone; a dry run found nothing to revoke' },
  { code: ExitCode.ActionFailed, meaning: 'some action failed (the output says which; independent steps still ran), or the confirmation was declined' },
  { code: ExitCode.InvalidInput, meaning: 'invalid input: usage error, invalid runbook, protected identity, missing credential; nothing ran' },
  { code: ExitCode.AccessFound, meaning: 'access found: `audit` or `user --dry-run --detailed-exitcode` found something to revoke; `watch` saw use' },
  { code: ExitCode.Incomplete, meaning: 'incomplete: a watch or audit could not check everything it should have (it says what); never read as quiet' },
  { code: ExitCode.Interrupted, meaning: 'interrupted (SIGINT/SIGTERM) after finishing in-flight calls and printing what happened' },
];
