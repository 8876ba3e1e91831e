import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';

export const registerReport: RegisterCommand = (program, { action }) => {
  program
    .command('report')
    .description('work with reports')
    .command('show')
    .description('render a report as text or markdown (does not verify it: use revoke verify)')
    .argument('<report>', 'the .intoto.json report')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'md']).default('text'))
    .addHelpText('after', '\nExamples:\n  $ revoke report show reports/<run>.intoto.json\n  $ revoke report show reports/<run>.intoto.json --format md >> "$GITHUB_STEP_SUMMARY"')
    .action(action(async () => (await import('../report-command.js')).reportShowCommand));
};
