import { Option } from 'commander';
import type { RegisterCommand } from './define-command.js';
import { formatOption, intervalMs, pointInTime } from './option-parsers.js';

export const registerWatch: RegisterCommand = (program, { action }) => {
  program
    .command('watch')
    .description('after a revocation: is anyone still using, or trying to use, what it took away? (exit 3 if so)')
    .argument('<report>', 'the signed report of the run to watch')
    .option('--key <pub.pem>', "public key the report must be signed with (default: this machine's signing key)")
    .addOption(new Option('--since <time>', 'look from this time: ISO 8601, or a duration back from now like 30m, 1h, 2d (default: when the run finished)').argParser((v) => pointInTime(v)))
    .addOption(new Option('--until <time>', 'look up to this time: ISO 8601, or a duration back from now').argParser((v) => pointInTime(v)))
    .option('-r, --runbook <file>', 'the runbook, if it is not where the report says (default: found by its sha256, there or next to the report)')
    .option('--follow', 'keep polling every --interval, printing each new event, until interrupted')
    .addOption(new Option('--interval <duration>', 'how often --follow polls (at least 1s)').default(30_000, '30s').argParser(intervalMs))
    .addOption(formatOption())
    .option('--json', 'same as --format json')
    .option('--report <dir>', 'where the journal and the signed watch report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the watch report')
    .addHelpText('after', '\nExit codes: 0 quiet, 3 use or attempted use found, 4 incomplete (a provider could not be checked; never read as quiet), 2 bad input (e.g. a report that does not verify), 130 interrupted.\n\nExamples:\n  $ revoke watch reports/<run>.intoto.json --key ci.pub\n  $ revoke watch reports/<run>.intoto.json --since 2h   # the last two hours\n  $ revoke watch reports/<run>.intoto.json --follow --interval 1m   # during an incident')
    .action(action(async () => (await import('../watch-command.js')).watchCommand));
};
