import type { RegisterCommand } from './define-command.js';
import { collect, concurrencyOption } from './option-parsers.js';

export const registerRestore: RegisterCommand = (program, { action }) => {
  program
    .command('restore')
    .description('undo the reversible part of a run, from its signed report: re-activate, re-grant, re-invite (exit 1 if anything could not be restored)')
    .argument('<report>', 'the signed report of the run to undo')
    .option('--key <pub.pem>', "public key the report must be signed with (default: this machine's signing key)")
    .option('-r, --runbook <file>', 'the runbook, if it is not where the report says (default: found by its sha256); a changed one is matched by step id')
    .option('--only <step-id>', 'restore only this step of the run (repeatable)', collect, [])
    .option('--dry-run', 'plan only: print what would be restored, kept, in conflict or not restorable; change nothing')
    .option('-y, --yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--also-sessions-policy', 'aws-iam: remove the session cutoff policy too (sessions issued before the run work again)')
    .option('--plan-out <file>', 'with --dry-run: save the restore plan as JSON, for review')
    .option('--force', 'with --plan-out: replace an existing file')
    .option('--json', 'print one JSON result document on stdout; human text goes to stderr')
    .addOption(concurrencyOption())
    .option('--report <dir>', "where the journal and the signed restore report go (default: the original report's folder)")
    .option('--sign-key <pem|kms:key-id>', 'signing key for the restore report')
    .addHelpText('after', '\nExit codes: 0 everything reversible restored (or nothing to do), 1 something could not be restored (a conflict, a failure, a cancelled confirmation), 2 bad input (e.g. a report that does not verify), 130 interrupted.\n\nExamples:\n  $ revoke restore reports/<run>.intoto.json --dry-run\n  $ revoke restore reports/<run>.intoto.json --yes --key ci.pub\n  $ revoke restore reports/<run>.intoto.json --only aws-contain --also-sessions-policy --yes')
    .action(action(async () => (await import('../restore-command.js')).restoreCommand));
};
