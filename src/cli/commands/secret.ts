import type { RegisterCommand } from './define-command.js';

export const registerSecret: RegisterCommand = (program, { action }) => {
  program
    .command('secret')
    .description('identify and kill leaked credentials: GitHub and Slack tokens, AWS keys, PostgreSQL passwords (plain list, gitleaks or trufflehog)')
    .requiredOption('--from <file|->', 'one secret per line, a gitleaks JSON report or trufflehog JSON lines; - for stdin')
    .option('-r, --runbook <file>', 'the runbook whose providers (credentials, endpoints, protect lists) identify and revoke them')
    .option('--dry-run', 'identify only: say what each secret is and what would be done, change nothing')
    .option('-y, --yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--delete', 'AWS access keys: delete instead of setting them Inactive')
    .option('--cut-sessions', "AWS access keys: also deny the owner's sessions issued before now")
    .option('--identify', "GitHub tokens: name each token's owner through the runbook's github providers (SAML credential authorizations)")
    .option('--json', 'print one JSON result document on stdout; human text goes to stderr')
    .option('--report <dir>', 'where the journal and the signed report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the report (default: REVOKE_SIGNING_KEY, else your default key)')
    .addHelpText('after', '\nThe secrets are never printed, logged or recorded: only a fingerprint (type, last 4 characters, sha256 prefix).\nExit codes: 0 every secret revoked or already dead, 1 some secret not revoked (unrecognised, refused, failed), 2 bad input or every secret refused by a guard, 130 interrupted.\n\nExamples:\n  $ revoke secret --from leaked.txt --dry-run\n  $ gitleaks detect --report-format json --report-path leaks.json; revoke secret -r runbooks/offboarding.yaml --from leaks.json --yes\n  $ trufflehog git file://. --json | revoke secret -r runbooks/offboarding.yaml --from - --yes --cut-sessions')
    .action(action(async () => (await import('../secret-command.js')).secretCommand));
};
