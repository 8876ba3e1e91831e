import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';

export const registerReport: RegisterCommand = (program, { action }) => {
  program
    .command('report')
    .description('work with reports')
    .command('show')
    .description('render a run, audit or watch report as text, markdown or JSON, saying first whether its signature verifies')
    .argument('<report>', 'the .intoto.json report')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'md']).default('text'))
    .option('--json', 'print the signature check and the predicate as JSON')
    .option('--key <pub.pem>', "public key of the signer (default: this machine's default public key)")
    .addHelpText('after', '\nExit codes: 0 shown and the signature verifies (or there is no key to check it with: the first line says so), 1 shown but the signature does not verify, 2 bad input.\n\nExamples:\n  $ revoke report show reports/<run>.intoto.json --key ci.pub\n  $ revoke report show reports/<run>.intoto.json --format md >> "$GITHUB_STEP_SUMMARY"')
    .action(action(async () => (await import('../report-command.js')).reportShowCommand));
};
