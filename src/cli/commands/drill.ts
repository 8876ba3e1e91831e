import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';
import { collect, concurrencyOption, durationMs } from './option-parsers.js';

export const registerDrill: RegisterCommand = (program, { action }) => {
  program
    .command('drill')
    .description('prove a runbook works before an incident: revoke a canary for real and measure how long each credential keeps working (exit 3 over SLA)')
    .requiredOption('-r, --runbook <file>', 'the runbook (YAML) to drill; its steps run with user = the canary')
    .requiredOption('--canary <user>', 'name of the canary identity the drill creates (it must not exist), revokes and removes')
    .addOption(new Option('--deadline <duration>', 'probe each credential this long after the revocation starts before it counts as not denied').default(600_000, '10m').argParser(durationMs))
    .option('--set <key=value>', 'set a runbook variable (repeatable)', collect, [])
    .option('--only <step-id>', 'drill only this step (repeatable)', collect, [])
    .addOption(concurrencyOption())
    .option('--json', 'one JSON result document on stdout; progress goes to stderr')
    .option('--report <dir>', 'where the journal and the signed drill report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the drill report')
    .addHelpText(
      'after',
      '\nThe drill creates the canary on each provider (aws-iam: a user under /revoke-drill/ with an access key and an MFA session; postgres: a role with a password and an open session; github, okta, entra-id, google-workspace: your test account, its credentials from REVOKE_DRILL_* variables, see the README), checks its credentials work, runs the runbook\'s real revocation against it, probes every credential until it is denied, and removes the canary afterwards (also after a failure or Ctrl-C). `sla:` on a step or provider instance sets the limit.\n\nExit codes: 0 every credential denied within its SLA, 3 one was denied too late or not by --deadline, 1 the drill failed (revocation, probe or cleanup; it says what), 2 bad input (e.g. the canary exists and is not a drill\'s), 130 interrupted (canary removed, partial report signed).\n\nExamples:\n  $ revoke drill -r runbooks/offboarding.yaml --canary drill-canary\n  $ revoke drill -r runbooks/offboarding.yaml --canary drill-canary --deadline 15m --json > drill.json',
    )
    .action(action(async () => (await import('../drill-command.js')).drillCommand));
};
