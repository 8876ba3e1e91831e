import { Command, CommanderError } from 'commander';
import { RevokeError } from '../errors.js';
import { ExitCode, exitCodeMeanings } from '../exit-codes.js';
import { toolVersion } from '../version.js';
import { processIO, writeLine, type CliIO } from './io.js';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import type { CommandContext, RegisterCommand } from './commands/define-command.js';
import { registerDemo } from './commands/demo.js';
import { registerKeygen } from './commands/keygen.js';
import { registerProviders } from './commands/providers.js';
import { registerReport } from './commands/report.js';
import { registerSchema } from './commands/schema.js';
import { registerUser } from './commands/user.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import { registerWatch } from './commands/watch.js';

/** Every command, in the order `--help` lists them; each module adds one command. */
const commands: RegisterCommand[] = [registerUser, registerApply, registerWatch, registerAudit, registerValidate, registerProviders, registerKeygen, registerVerify, registerReport, registerSchema, registerDemo];

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

  const context: CommandContext = {
    runCli: main,
    action: (load) => async (...args) => {
      const command = args[args.length - 1] as Command;
      const handler = await load();
      setExitCode(await handler(...args.slice(0, -2), { ...command.optsWithGlobals() }, io));
    },
  };
  for (const register of commands) register(program, context);
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
