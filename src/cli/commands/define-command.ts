import type { Command } from 'commander';
import type { CliIO } from '../io.js';

/** A command's handler: its positional arguments, then its options, then the io. */
export type CommandHandler = (...args: any[]) => Promise<number>;

/** What each command module gets to wire its action to the CLI. */
export interface CommandContext {
  /**
   * Wraps a lazily imported handler as a commander action: the handler's module (and whatever it
   * pulls in: zod, yaml, SDKs) loads only when its command runs, so `revoke --help` stays fast.
   */
  action(load: () => Promise<CommandHandler>): (...args: unknown[]) => Promise<void>;
  /** The whole CLI, for commands that drive other commands (demo). */
  runCli(argv: string[], io: CliIO): Promise<number>;
}

/** One command module: adds its command (options, help, lazy action) to the program. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;
