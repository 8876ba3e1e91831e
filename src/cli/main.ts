import { Command, CommanderError } from 'commander';
import { ExitCode, exitCodeMeanings } from '../exit-codes.js';
import { toolVersion } from '../version.js';
import { reportError, wantsJson } from './error-output.js';
import { processIO, writeLine, type CliIO } from './io.js';
import { checkCommandPaths } from './paths.js';
import { registerApply } from './commands/apply.js';
import { registerCompletion } from './commands/completion.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerAudit } from './commands/audit.js';
import type { CommandContext, RegisterCommand } from './commands/define-command.js';
import { registerDemo } from './commands/demo.js';
import { registerDrill } from './commands/drill.js';
import { registerKeygen } from './commands/keygen.js';
import { registerProviders } from './commands/providers.js';
import { registerReport } from './commands/report.js';
import { registerRestore } from './commands/restore.js';
import { registerSchema } from './commands/schema.js';
import { registerSecret } from './commands/secret.js';
import { registerUser } from './commands/user.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import { registerWatch } from './commands/watch.js';

/** Every command, in the order `--help` lists them; each module adds one command. */
const commands: RegisterCommand[] = [registerUser, registerApply, registerWatch, registerRestore, registerAudit, registerDrill, registerSecret, registerValidate, registerProviders, registerKeygen, registerVerify, registerReport, registerSchema, registerDemo, registerSandbox, registerCompletion];

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
      const options = command.optsWithGlobals();
      // Every path is checked before anything runs: a bad one is exit 2 with a fix, not a crash later.
      const positional = Object.fromEntries(command.registeredArguments.map((a, i) => [`<${a.name()}${a.variadic ? '...' : ''}>`, args[i]]));
      checkCommandPaths(command.name(), options, positional);
      const handler = await load();
      setExitCode(await handler(...args.slice(0, -2), { ...options }, io));
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
      // commander printed the usage error on stderr; --json callers get it on stdout too.
      if (wantsJson(argv)) writeLine(io.stdout, JSON.stringify({ error: { message: error.message.replace(/^error: /, ''), fix: 'run with --help for usage', exitCode: ExitCode.InvalidInput } }, null, 2));
      return ExitCode.InvalidInput;
    }
    return reportError(error, io, { json: wantsJson(argv) });
  }
}

export { reportError } from './error-output.js';
