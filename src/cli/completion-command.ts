import type { Command } from 'commander';
import { commandSpecs, topLevelCommands } from '../completion/spec.js';
import { bashCompletion, fishCompletion, zshCompletion } from '../completion/scripts.js';
import { manPage } from '../completion/man.js';
import { toolVersion } from '../version.js';
import type { CliIO } from './io.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Prints the completion script for `shell`, made from the command tree `program`. */
export async function completionCommand(shell: (typeof SHELLS)[number], program: Command, io: CliIO): Promise<number> {
  const words = { commands: topLevelCommands(program), providerTypes: (await io.registry()).types(), shells: SHELLS };
  const generate = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion }[shell];
  io.stdout.write(generate(commandSpecs(program), words));
  return 0;
}

/** Prints revoke(1) in roff. */
export async function manCommand(program: Command, io: CliIO): Promise<number> {
  io.stdout.write(manPage(program, toolVersion()));
  return 0;
}
