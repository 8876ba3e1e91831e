import type { RegisterCommand } from './define-command.js';

export const registerSchema: RegisterCommand = (program, { action }) => {
  program
    .command('schema')
    .description('print the runbook JSON Schema (for editors using yaml-language-server)')
    .addHelpText('after', '\nExamples:\n  $ revoke schema > runbook.schema.json\n  # then in a runbook: # yaml-language-server: $schema=./runbook.schema.json')
    .action(action(async () => (await import('../schema-command.js')).schemaCommand));
};
