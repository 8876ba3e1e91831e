import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';
import { collect, concurrencyOption, durationMs } from './option-parsers.js';

export const registerUser: RegisterCommand = (program, { action }) => {
  program
    .command('user')
    .description("discover and revoke one person's access, as the runbook says")
    .argument('<user>', 'the person to revoke: {{user}} in the runbook')
    .requiredOption('-r, --runbook <file>', 'the runbook (YAML) to follow')
    .option('--dry-run', 'discover only: print exactly what a real run would revoke, change nothing')
    .option('-y, --yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--set <key=value>', 'set a runbook variable (repeatable)', collect, [])
    .option('--only <step-id>', 'run only this step, nothing else (repeatable)', collect, [])
    .addOption(concurrencyOption())
    .option('--detailed-exitcode', 'with --dry-run: exit 3 when something would be revoked, 0 when nothing')
    .addOption(new Option('--recent <duration>', 'blast radius: use within this long counts as recent, e.g. 30m, 24h, 7d').default(24 * 3_600_000, '24h').argParser(durationMs))
    .option('--fail-on-warning', 'with --dry-run: exit 3 when the plan has any warning (a review gate for CI)')
    .option('--json', 'print one JSON result document on stdout; human text goes to stderr')
    .option('--report <dir>', 'where the journal and the signed report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the report (default: REVOKE_SIGNING_KEY, else your default key)')
    .option('--resume <journal>', 'continue an unfinished run from its journal (same runbook and user)')
    .option('--plan-out <file>', 'with --dry-run: save the signed plan, for `revoke apply`')
    .option('--force', 'with --plan-out: replace an existing plan file')
    .addOption(new Option('--plan-ttl <duration>', 'with --plan-out: how long the plan may be applied, e.g. 2h, 7d').default(24 * 3_600_000, '24h').argParser(durationMs))
    .addHelpText('after', '\nExamples:\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run\n  $ revoke user alice -r runbooks/offboarding.yaml --set github_login=alice-gh\n  $ revoke user alice -r runbooks/offboarding.yaml --yes --only aws-contain   # incident: contain first\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run --detailed-exitcode   # CI: exit 3 if access remains')
    .action(action(async () => (await import('../user-command.js')).userCommand));
};
