import { Argument } from 'commander';
import type { CliIO } from '../io.js';
import type { RegisterCommand } from './define-command.js';

export const registerCompletion: RegisterCommand = (program, { action }) => {
  program
    .command('completion')
    .description('print a shell completion script: commands, options, choices, and the step ids of the runbook given with -r')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', '\nExamples:\n  $ source <(revoke completion bash)        # in ~/.bashrc\n  $ revoke completion zsh > "${fpath[1]}/_revoke"\n  $ revoke completion fish > ~/.config/fish/completions/revoke.fish')
    .action(action(async () => {
      const { completionCommand } = await import('../completion-command.js');
      return (shell: 'bash' | 'zsh' | 'fish', _options: unknown, io: CliIO) => completionCommand(shell, program, io);
    }));

  // The man page is made from this same command tree (npm run man writes man/revoke.1).
  program
    .command('man', { hidden: true })
    .description('print the man page revoke(1) in roff')
    .action(action(async () => {
      const { manCommand } = await import('../completion-command.js');
      return (_options: unknown, io: CliIO) => manCommand(program, io);
    }));
};
