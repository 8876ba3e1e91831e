import type { RegisterCommand } from './define-command.js';

export const registerVerify: RegisterCommand = (program, { action }) => {
  program
    .command('verify')
    .description("check a report's signature, its statement, and its journal's digest and hash chain")
    .argument('<report>', 'the .intoto.json report')
    .option('--key <pub.pem>', "public key of the signer (default: this machine's default public key, and it says so)")
    .option('--json', 'print the checks and the verdict as JSON')
    .option('--journal-dir <dir>', 'where the journal is (default: next to the report)')
    .addHelpText('after', '\nExit codes: 0 valid, 1 invalid (says which check failed), 2 bad input.\n\nExamples:\n  $ revoke verify reports/20261128T011127Z-alice-3f9a1c.intoto.json --key ci.pub')
    .action(action(async () => (await import('../verify-command.js')).verifyCommand));
};
