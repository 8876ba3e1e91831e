import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';
import { nonNegativeInt } from './option-parsers.js';

export const registerDemo: RegisterCommand = (program, { action, runCli }) => {
  program
    .command('demo')
    .description('run the demo runbook against a built-in local AWS IAM sandbox (no cloud account needed)')
    .addOption(new Option('--latency <ms>', 'add this much latency to every sandbox response').argParser(nonNegativeInt).hideHelp())
    .option('--keep', "keep the folder with the demo's reports and signing key (and say where); by default it is removed")
    .addHelpText('after', '\nExamples:\n  $ revoke demo\n  $ NO_COLOR=1 revoke demo > demo.log')
    .action(action(async () => {
      const { demoCommand } = await import('../demo-command.js');
      return (options: Parameters<typeof demoCommand>[0], io: Parameters<typeof demoCommand>[1]) => demoCommand(options, io, runCli);
    }));
};
