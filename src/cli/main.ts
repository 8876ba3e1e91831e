import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RevokeError } from '../errors.js';
import { ExitCode, exitCodeMeanings } from '../exit-codes.js';
import { toolVersion } from '../version.js';
import { processIO, writeLine, type CliIO } from './io.js';

/**
 * Builds the command tree. Only commander loads here: every command's work (zod, yaml, chalk,
 * listr2, providers) is imported when that command runs, so `revoke --help` stays fast.
 */
export function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('revoke')
    .description('Take access away from people, fast and provably: discover, revoke and record, driven by a YAML runbook.')
    .version(toolVersion(), '-V, --version')
    .option('--no-color', 'no colours in output (NO_COLOR is honoured too)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .addHelpText('after', `\nExit codes:\n${exitCodeMeanings.map((e) => `  ${String(e.code).padEnd(4)}${e.meaning}`).join('\n')}\n\nExamples:\n  $ revoke validate runbooks/offboarding.yaml\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run\n  $ revoke user alice -r runbooks/offboarding.yaml --yes --json > result.json`);

  const run = (load: () => Promise<(...args: any[]) => Promise<number>>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const handler = await load();
      setExitCode(await handler(...args.slice(0, -2), { ...command.optsWithGlobals() }, io));
    };

  program
    .command('user')
    .description("discover and revoke one person's access, as the runbook says")
    .argument('<user>', 'the person to revoke: {{user}} in the runbook')
    .requiredOption('-r, --runbook <file>', 'the runbook (YAML) to follow')
    .option('--dry-run', 'discover only: print exactly what a real run would revoke, change nothing')
    .option('-y, --yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--set <key=value>', 'set a runbook variable (repeatable)', collect, [])
    .option('--only <step-id>', 'run only this step, nothing else (repeatable)', collect, [])
    .addOption(new Option('--concurrency <n>', 'how many steps, and findings within a step, are worked on at once').default(16).argParser(positiveInt))
    .option('--detailed-exitcode', 'with --dry-run: exit 3 when something would be revoked, 0 when nothing')
    .addOption(new Option('--recent <duration>', 'blast radius: use within this long counts as recent, e.g. 30m, 24h, 7d').default(24 * 3_600_000, '24h').argParser(durationMs))
    .option('--fail-on-warning', 'with --dry-run: exit 3 when the plan has any warning (a review gate for CI)')
    .option('--json', 'print one JSON result document on stdout; human text goes to stderr')
    .option('--report <dir>', 'where the journal and the signed report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the report (default: REVOKE_SIGNING_KEY, else your default key)')
    .option('--resume <journal>', 'continue an unfinished run from its journal (same runbook and user)')
    .option('--plan-out <file>', 'with --dry-run: save the signed plan, for `revoke apply`')
    .addOption(new Option('--plan-ttl <duration>', 'with --plan-out: how long the plan may be applied, e.g. 2h, 7d').default(24 * 3_600_000, '24h').argParser(durationMs))
    .addHelpText('after', '\nExamples:\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run\n  $ revoke user alice -r runbooks/offboarding.yaml --set github_login=alice-gh\n  $ revoke user alice -r runbooks/offboarding.yaml --yes --only aws-contain   # incident: contain first\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run --detailed-exitcode   # CI: exit 3 if access remains')
    .action(run(async () => (await import('./user-command.js')).userCommand));

  program
    .command('apply')
    .description('apply exactly a saved plan: re-discover, refuse if the world changed, revoke only what it lists')
    .argument('<plan>', 'a plan saved with revoke user ... --dry-run --plan-out <file>')
    .option('--key <pub.pem>', "public key the plan must be signed with (default: this run's own signing key)")
    .option('--allow-drift', 'when the world changed: revoke only the planned findings that remain, and report the new ones')
    .option('-y, --yes', 'do not ask for confirmation (required when there is no terminal)')
    .option('--json', 'print one JSON result document on stdout; human text goes to stderr')
    .addOption(new Option('--concurrency <n>', 'how many steps, and findings within a step, are worked on at once').default(16).argParser(positiveInt))
    .option('--report <dir>', 'where the journal and the signed report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the report')
    .addHelpText('after', '\nExamples:\n  $ revoke user alice -r runbooks/offboarding.yaml --dry-run --plan-out alice.plan.json\n  $ revoke apply alice.plan.json --yes\n  $ revoke apply alice.plan.json --key reviewer.pub --allow-drift --yes')
    .action(run(async () => (await import('./apply-command.js')).applyCommand));

  program
    .command('watch')
    .description('after a revocation: is anyone still using, or trying to use, what it took away? (exit 3 if so)')
    .argument('<report>', 'the signed report of the run to watch')
    .option('--key <pub.pem>', "public key the report must be signed with (default: this machine's signing key)")
    .option('--since <time>', 'look from this time (ISO 8601; default: when the run finished)')
    .option('--until <time>', 'look up to this time (ISO 8601)')
    .option('--follow', 'keep polling every --interval, printing each new event, until interrupted')
    .addOption(new Option('--interval <duration>', 'how often --follow polls').default(30_000, '30s').argParser(durationMs))
    .addOption(new Option('--format <format>', 'output on stdout').choices(['text', 'json', 'md']).default('text'))
    .option('--json', 'same as --format json')
    .option('--report <dir>', 'where the journal and the signed watch report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the watch report')
    .addHelpText('after', '\nExit codes: 0 quiet, 3 use or attempted use found, 2 bad input (e.g. a report that does not verify), 130 interrupted.\n\nExamples:\n  $ revoke watch reports/<run>.intoto.json --key ci.pub\n  $ revoke watch reports/<run>.intoto.json --follow --interval 1m   # during an incident')
    .action(run(async () => (await import('./watch-command.js')).watchCommand));

  program
    .command('audit')
    .description('dry-run many users at once (CI): exit 3 if anyone still has access, 0 if all are clean')
    .requiredOption('-r, --runbook <file>', 'the runbook (YAML) to audit with')
    .requiredOption('--users <file|->', 'one user per line, or CSV with a header user,<var>,...; - for stdin')
    .addOption(new Option('--format <format>', 'output on stdout').choices(['text', 'json', 'md']).default('text'))
    .option('--shard <i/n>', 'audit only shard i of n (deterministic, for CI matrix jobs)')
    .addOption(new Option('--concurrency <n>', 'how many users are checked at once').default(16).argParser(positiveInt))
    .option('--report <dir>', 'where the journal and the signed audit report go', 'reports')
    .option('--sign-key <pem|kms:key-id>', 'signing key for the audit report')
    .addHelpText('after', '\nExit codes: 0 all clean, 3 someone still has access, 1 discovery failed for a provider (it says which), 2 bad input.\n\nExamples:\n  $ revoke audit -r runbooks/offboarding.yaml --users departed.txt\n  $ revoke audit -r runbooks/offboarding.yaml --users departed.csv --format md --shard 1/4\n  $ hr-export | revoke audit -r runbooks/offboarding.yaml --users - --format json')
    .action(run(async () => (await import('./audit-command.js')).auditCommand));

  program
    .command('validate')
    .description('check runbooks without touching any provider or credential')
    .argument('<runbook...>', 'runbook files')
    .option('--json', 'print the problems as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ revoke validate runbooks/*.yaml\n  $ revoke validate my-runbook.yaml --json | jq .')
    .action(run(async () => (await import('./validate-command.js')).validateCommand));

  program
    .command('providers')
    .description('list provider types, their revoke kinds, modes and the permissions they need')
    .argument('[type]', 'show only this provider type')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ revoke providers\n  $ revoke providers aws-iam --json')
    .action(run(async () => (await import('./providers-command.js')).providersCommand));

  program
    .command('keygen')
    .description('make a signing key pair for reports: <prefix>.key (private, mode 0600) and <prefix>.pub')
    .requiredOption('--out <prefix>', 'path prefix of the two files')
    .addOption(new Option('--type <type>', 'key type').choices(['ecdsa-p256', 'ed25519']).default('ecdsa-p256'))
    .addHelpText('after', '\nExamples:\n  $ revoke keygen --out ~/.config/revoke/ci\n  $ REVOKE_SIGNING_KEY="$(cat ci.key)" revoke user alice -r rb.yaml --yes')
    .action(run(async () => (await import('./keygen-command.js')).keygenCommand));

  program
    .command('verify')
    .description("check a report's signature, its statement, and its journal's digest and hash chain")
    .argument('<report>', 'the .intoto.json report')
    .requiredOption('--key <pub.pem>', 'public key of the signer')
    .option('--journal-dir <dir>', 'where the journal is (default: next to the report)')
    .addHelpText('after', '\nExit codes: 0 valid, 1 invalid (says which check failed), 2 bad input.\n\nExamples:\n  $ revoke verify reports/20261128T011127Z-alice-3f9a1c.intoto.json --key ci.pub')
    .action(run(async () => (await import('./verify-command.js')).verifyCommand));

  program
    .command('report')
    .description('work with reports')
    .command('show')
    .description('render a report as text or markdown (does not verify it: use revoke verify)')
    .argument('<report>', 'the .intoto.json report')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'md']).default('text'))
    .addHelpText('after', '\nExamples:\n  $ revoke report show reports/<run>.intoto.json\n  $ revoke report show reports/<run>.intoto.json --format md >> "$GITHUB_STEP_SUMMARY"')
    .action(run(async () => (await import('./report-command.js')).reportShowCommand));

  program
    .command('schema')
    .description('print the runbook JSON Schema (for editors using yaml-language-server)')
    .addHelpText('after', '\nExamples:\n  $ revoke schema > runbook.schema.json\n  # then in a runbook: # yaml-language-server: $schema=./runbook.schema.json')
    .action(run(async () => (await import('./schema-command.js')).schemaCommand));

  program
    .command('demo')
    .description('run the demo runbook against a built-in local AWS IAM sandbox (no cloud account needed)')
    .addOption(new Option('--latency <ms>', 'add this much latency to every sandbox response').argParser(nonNegativeInt).hideHelp())
    .addHelpText('after', '\nExamples:\n  $ revoke demo\n  $ NO_COLOR=1 revoke demo > demo.log')
    .action(run(async () => (await import('./demo-command.js')).demoCommand));

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.Success;
      return ExitCode.InvalidInput;
    }
    return reportError(error, io);
  }
}

export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof RevokeError) {
    writeLine(io.stderr, `error: ${error.message}`);
    if (error.fix) writeLine(io.stderr, `  fix: ${error.fix}`);
    return error.exitCode;
  }
  writeLine(io.stderr, `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  writeLine(io.stderr, '  this is a bug in revoke; please report it with the command you ran');
  return ExitCode.ActionFailed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** "90s", "30m", "24h", "7d" (or plain milliseconds) to milliseconds. */
export function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration like 30m, 24h or 7d');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 60_000) throw new InvalidArgumentError('expected milliseconds from 0 to 60000');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return n;
}
