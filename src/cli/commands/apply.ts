import type { RegisterCommand } from './define-command.js';
import { concurrencyOption } from './option-parsers.js';

export const registerApply: RegisterCommand = (program, { action }) => {
  program
    .command('apply')
    .description('apply exactly a saved plan: re-discover, refuse if the world changed, revoke only what it lists')
    .argument('<plan>', 'a plan saved with revoke user ... --dry-run --plan-out <file>')
    .option('--key <pub.pem>', "public key the plan must be signed with (default: this run's own signing key)")
    .option('-r, --runbook <file>', 'the runbook, if it is not where the plan says (default: found by its sha256, there or next to the plan)')
    .option('--allow-drift', 'when the world changed: revoke only the planned findings that remain, and report the new ones')
    .option('-y, --yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--json', 'print one JSON result document on stdout; human text goes to stderr')
    .addOption(concurrencyOption())
    .option('--report <dir>', 'where the journal and the signed report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the report')
    .addHelpText('after', '\nExamples:\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run --plan-out alice.plan.json\n  $ revoke apply alice.plan.json --yes\n  $ revoke apply alice.plan.json --key reviewer.pub --allow-drift --yes')
    .action(action(async () => (await import('../apply-command.js')).applyCommand));
};
