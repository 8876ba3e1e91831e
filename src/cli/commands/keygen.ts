import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';

export const registerKeygen: RegisterCommand = (program, { action }) => {
  program
    .command('keygen')
    .description('make a signing key pair for reports: <prefix>.key (private, mode 0600) and <prefix>.pub')
    .requiredOption('--out <prefix>', 'path prefix of the two files')
    .addOption(new Option('--type <type>', 'key type').choices(['ecdsa-p256', 'ed25519']).default('ecdsa-p256'))
    .addHelpText('after', '\nExamples:\n  $ revoke keygen --out ~/.config/revoke/ci\n  $ REVOKE_SIGNING_KEY="$(cat ci.key)" revoke user alice -r rb.yaml --yes')
    .action(action(async () => (await import('../keygen-command.js')).keygenCommand));
};
