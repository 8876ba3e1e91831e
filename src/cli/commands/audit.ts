import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';
import { concurrencyOption, formatOption } from './option-parsers.js';

export const registerAudit: RegisterCommand = (program, { action }) => {
  program
    .command('audit')
    .description('dry-run many users at once (CI): exit 3 if anyone still has access, 0 if all are clean')
    .requiredOption('-r, --runbook <file>', 'the runbook (YAML) to audit with')
    .requiredOption('--users <file|->', 'one user per line, or CSV with a header user,<var>,...; - for stdin')
    .addOption(formatOption())
    .addOption(new Option('--json', 'same as --format json').implies({ format: 'json' }))
    .option('--shard <i/n>', 'audit only shard i of n (deterministic, for CI matrix jobs)')
    .addOption(concurrencyOption('how many users are checked at once'))
    .option('--report <dir>', 'where the journal and the signed audit report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the audit report')
    .addHelpText('after', '\nExit codes: 0 all clean, 3 someone still has access, 1 discovery failed for a provider (it says which), 2 bad input.\n\nExamples:\n  $ revoke audit -r runbooks/offboarding.yaml --users departed.txt\n  $ revoke audit -r runbooks/offboarding.yaml --users departed.csv --format md --shard 1/4\n  $ hr-export | revoke audit -r runbooks/offboarding.yaml --users - --format json')
    .action(action(async () => (await import('../audit-command.js')).auditCommand));
};
