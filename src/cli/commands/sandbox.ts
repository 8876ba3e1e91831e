import { InvalidArgumentError, Option } from 'commander';
import type { RegisterCommand } from './define-command.js';
import { durationMs, nonNegativeInt } from './option-parsers.js';

export const registerSandbox: RegisterCommand = (program, { action }) => {
  program
    .command('sandbox')
    .description('start the local endpoints (IAM/STS, GitHub, KMS, Google Workspace, PostgreSQL when installed), print env exports and a runbook, run until Ctrl-C')
    .addOption(new Option('--latency <ms>', 'add this much latency to every response').argParser(nonNegativeInt))
    .addOption(new Option('--jitter <ms>', 'process each request after a random 0 to ms (seeded), so requests sent together are processed in any order, as on a real network').argParser(nonNegativeInt))
    .addOption(new Option('--faults <seed:rate>', 'answer this fraction of requests with retryable throttling, repeatably by seed (e.g. 7:0.1)').argParser(seedAndRate))
    .addOption(new Option('--enforcement-delay <duration>', 'IAM enforces changes this long after they are made, as AWS\'s eventual consistency allows (e.g. 30s): for `revoke drill` SLA checks').argParser(durationMs))
    .option('--seed <people>', 'comma-separated people to seed, each with full access (default: jdoe)', (value: string, previous: string[]) => [...previous, ...value.split(',').map((p) => p.trim()).filter(Boolean)], [])
    .addOption(new Option('--port-base <n>', 'listen on n (IAM/STS), n+1 (GitHub), n+2 (KMS), n+3 (PostgreSQL), n+4 (Google Workspace) instead of free ports').argParser(portNumber))
    .addHelpText('after', '\nExit codes: 0 stopped with Ctrl-C (or SIGTERM), 2 bad option or port taken.\n\nExamples:\n  $ revoke sandbox --seed jdoe,alice\n  $ revoke sandbox --latency 50 --jitter 30 --faults 7:0.1 --port-base 4566')
    .action(action(async () => (await import('../sandbox-command.js')).sandboxCommand));
};

function seedAndRate(value: string): { seed: number; rate: number } {
  const match = /^(\d+):(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected seed:rate, a whole number and a fraction from 0 to 1, e.g. 7:0.1');
  return { seed: Number(match[1]), rate: Number(match[2]) };
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || n > 65_531) throw new InvalidArgumentError('expected a port from 1024 to 65531 (five ports from it are used)');
  return n;
}
