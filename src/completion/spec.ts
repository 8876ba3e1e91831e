import type { Command } from 'commander';

/** What completion scripts and the man page need to know about a command, read from commander. */
export interface CommandSpec {
  /** "user", or "report show" for a subcommand. */
  path: string[];
  description: string;
  options: OptionSpec[];
  /** Help text (usage, options, examples) exactly as `--help` prints it. */
  help: string;
}

export interface OptionSpec {
  long: string;
  short?: string;
  description: string;
  /** Takes a value; choices when the value is one of a fixed list. */
  takesValue: boolean;
  choices?: readonly string[];
  /** What kind of value: a file, a step id of the runbook, a provider type, or anything. */
  valueKind: 'file' | 'step' | 'other';
}

const FILE_VALUE = /<(file|dir|journal|plan|report|pub\.pem|pem|prefix|file\|-)[^>]*>/;

export function commandSpecs(program: Command): CommandSpec[] {
  const specs: CommandSpec[] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
      const subPath = [...path, sub.name()];
      if (sub.commands.length > 0) {
        walk(sub, subPath);
        continue;
      }
      specs.push({
        path: subPath,
        description: sub.description(),
        help: sub.helpInformation(),
        options: sub.options.filter((o) => !o.hidden && o.long).map((o) => ({
          long: o.long!,
          ...(o.short ? { short: o.short } : {}),
          description: o.description,
          takesValue: o.required || o.optional,
          ...(o.argChoices ? { choices: o.argChoices } : {}),
          valueKind: o.long === '--only' ? 'step' : FILE_VALUE.test(o.flags) ? 'file' : 'other',
        })),
      });
    }
  };
  walk(program, []);
  return specs;
}

/** The first word of each top-level command, with its description. */
export function topLevelCommands(program: Command): Array<{ name: string; description: string }> {
  return program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => ({ name: c.name(), description: c.description() }));
}
