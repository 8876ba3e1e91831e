import type { Command } from 'commander';
import { commandSpecs } from './spec.js';

/** roff-safe text: backslashes escaped, no line starting with a control character. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/**
 * The man page, revoke(1), made from the same help text `--help` prints: the program's help,
 * then each command's. `npm run man` writes it to man/revoke.1, which the package ships.
 */
export function manPage(program: Command, version: string): string {
  const sections = commandSpecs(program).map((spec) => `.SS "revoke ${spec.path.join(' ')}"\n${roff(spec.description)}\n.PP\n.nf\n${roff(spec.help.trimEnd())}\n.fi`);
  return `.TH REVOKE 1 "" "revoke ${version}" "User Commands"
.SH NAME
revoke \\- ${roff(program.description())}
.SH SYNOPSIS
.B revoke
.I command
[options]
.SH DESCRIPTION
.nf
${roff(program.helpInformation().trimEnd())}
.fi
.SH COMMANDS
${sections.join('\n')}
.SH SEE ALSO
revoke completion bash|zsh|fish \\(em shell completion from the same command tree.
`;
}
