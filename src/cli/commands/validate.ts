import type { RegisterCommand } from './define-command.js';

export const registerValidate: RegisterCommand = (program, { action }) => {
  program
    .command('validate')
    .description('check runbooks without touching any provider or credential')
    .argument('<runbook...>', 'runbook files')
    .option('--json', 'print the problems as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ revoke validate runbooks/*.yaml\n  $ revoke validate my-runbook.yaml --json | jq .')
    .action(action(async () => (await import('../validate-command.js')).validateCommand));
};
