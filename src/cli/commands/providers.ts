import type { RegisterCommand } from './define-command.js';

export const registerProviders: RegisterCommand = (program, { action }) => {
  program
    .command('providers')
    .description('list provider types, their revoke kinds, modes and the permissions they need')
    .argument('[type]', 'show only this provider type')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ revoke providers\n  $ revoke providers aws-iam --json')
    .action(action(async () => (await import('../providers-command.js')).providersCommand));
};
