import type { CommandSpec, OptionSpec } from './spec.js';

/** What the scripts complete besides commands and options. */
export interface CompletionWords {
  commands: Array<{ name: string; description: string }>;
  providerTypes: string[];
  shells: readonly string[];
}

// Step ids are read from the runbook named by -r/--runbook on the command line, with sed: cheap,
// no node start, and a file that is not a runbook just yields nothing.
const STEP_IDS_SED = `sed -n 's/^[[:space:]]*- id:[[:space:]]*["'"'"']\\{0,1\\}\\([A-Za-z0-9_.-]*\\).*/\\1/p'`;

/** Positional words some commands take, beyond files. */
function positionalWords(spec: CommandSpec, words: CompletionWords): string[] | undefined {
  const name = spec.path.join(' ');
  if (name === 'providers') return words.providerTypes;
  if (name === 'completion') return [...words.shells];
  return undefined;
}

const joined = (path: string[]) => path.join(' ');

export function bashCompletion(specs: CommandSpec[], words: CompletionWords): string {
  const groups = [...new Set(specs.filter((s) => s.path.length > 1).map((s) => s.path[0]!))];
  const branches = specs.map((spec) => {
    const opts = spec.options.flatMap((o) => [o.long, ...(o.short ? [o.short] : [])]).concat('--help');
    const valueCases = spec.options.filter((o) => o.takesValue).map((o) => `        ${[o.long, ...(o.short ? [o.short] : [])].join('|')}) ${bashValue(o)}; return ;;`);
    const positional = positionalWords(spec, words);
    return [
      `    '${joined(spec.path)}')`,
      `      case "$prev" in`,
      ...valueCases,
      `      esac`,
      `      opts='${opts.join(' ')}'`,
      positional ? `      positional='${positional.join(' ')}'` : '',
      `      ;;`,
    ].filter(Boolean).join('\n');
  });
  return `# bash completion for revoke. Load it with:  source <(revoke completion bash)
# or save it as ~/.local/share/bash-completion/completions/revoke
_revoke_steps() {
  local i runbook=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -r|--runbook) runbook="\${COMP_WORDS[i+1]}" ;; esac
  done
  [ -f "$runbook" ] && ${STEP_IDS_SED} "$runbook"
}
_revoke() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}" first=2 opts="" positional=""
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W '${words.commands.map((c) => c.name).join(' ')} help' -- "$cur"))
    return
  fi
  case "$cmd" in
${groups.map((g) => `    ${g}) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W '${specs.filter((s) => s.path[0] === g).map((s) => s.path[1]).join(' ')}' -- "$cur")); return; fi; cmd="$cmd \${COMP_WORDS[2]}"; first=3 ;;`).join('\n')}
  esac
  case "$cmd" in
${branches.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -n "$positional" ]; then
    COMPREPLY=($(compgen -W "$positional" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _revoke revoke
`;
}

function bashValue(option: OptionSpec): string {
  if (option.choices) return `COMPREPLY=($(compgen -W '${option.choices.join(' ')}' -- "$cur"))`;
  if (option.valueKind === 'step') return 'COMPREPLY=($(compgen -W "$(_revoke_steps)" -- "$cur"))';
  if (option.valueKind === 'file') return 'COMPREPLY=($(compgen -f -- "$cur"))';
  return 'COMPREPLY=()';
}

/** zsh _arguments specs need [ ] : and ' escaped in descriptions. */
function zshText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, `'\\''`).replace(/\[/g, '(').replace(/\]/g, ')').replace(/:/g, '\\:');
}

export function zshCompletion(specs: CommandSpec[], words: CompletionWords): string {
  const groups = [...new Set(specs.filter((s) => s.path.length > 1).map((s) => s.path[0]!))];
  const branches = specs.map((spec) => {
    const args = spec.options.map((o) => {
      const repeat = o.long === '--only' || o.long === '--set' ? '*' : '';
      const value = !o.takesValue ? '' : o.choices ? `:${o.long.slice(2)}:(${o.choices.join(' ')})` : o.valueKind === 'step' ? ':step:_revoke_steps' : o.valueKind === 'file' ? ':file:_files' : `:${o.long.slice(2)}: `;
      const rest = `[${zshText(o.description)}]${value}'`;
      return o.short ? `'(${o.short} ${o.long})'{${o.short},${o.long}}'${rest}` : `'${repeat}${o.long}${rest}`;
    });
    const positional = positionalWords(spec, words);
    args.push(positional ? `'*:argument:(${positional.join(' ')})'` : `'*:file:_files'`);
    return `    '${joined(spec.path)}') _arguments -s ${args.join(' \\\n        ')} ;;`;
  });
  return `#compdef revoke
# zsh completion for revoke. Load it with:  source <(revoke completion zsh)
# or save it as _revoke in a folder of your $fpath
_revoke_steps() {
  local i runbook
  for ((i = 2; i < CURRENT; i++)); do
    [[ \${words[i]} == (-r|--runbook) ]] && runbook=\${words[i+1]}
  done
  [[ -f $runbook ]] && compadd -- \${(f)"$(${STEP_IDS_SED} "$runbook")"}
}
_revoke() {
  local -a commands
  commands=(
${words.commands.map((c) => `    '${c.name}:${zshText(c.description)}'`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'revoke command' commands
    return
  fi
  local cmd=\${words[2]}
  case $cmd in
${groups.map((g) => `    ${g}) if (( CURRENT == 3 )); then compadd -- ${specs.filter((s) => s.path[0] === g).map((s) => s.path[1]).join(' ')}; return; fi; cmd="$cmd \${words[3]}" ;;`).join('\n')}
  esac
  case $cmd in
${branches.join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _revoke "$@"
else
  compdef _revoke revoke
fi
`;
}

function fishText(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function fishCompletion(specs: CommandSpec[], words: CompletionWords): string {
  const lines = [
    '# fish completion for revoke. Load it with:  revoke completion fish | source',
    '# or save it as ~/.config/fish/completions/revoke.fish',
    'function __revoke_steps',
    '    set -l tokens (commandline -opc)',
    '    set -l runbook',
    '    for i in (seq (count $tokens))',
    '        if contains -- $tokens[$i] -r --runbook; and test $i -lt (count $tokens)',
    '            set runbook $tokens[(math $i + 1)]',
    '        end',
    '    end',
    `    test -f "$runbook"; and ${STEP_IDS_SED} "$runbook"`,
    'end',
    'complete -c revoke -f',
    ...words.commands.map((c) => `complete -c revoke -n __fish_use_subcommand -a ${c.name} -d ${fishText(c.description)}`),
  ];
  for (const spec of specs) {
    const [top, sub] = spec.path;
    const condition = sub ? `__fish_seen_subcommand_from ${sub}` : `__fish_seen_subcommand_from ${top}`;
    if (sub) lines.push(`complete -c revoke -n '__fish_seen_subcommand_from ${top}; and not __fish_seen_subcommand_from ${sub}' -a ${sub} -d ${fishText(spec.description)}`);
    for (const o of spec.options) {
      const names = `${o.short ? `-s ${o.short.slice(1)} ` : ''}-l ${o.long.slice(2)}`;
      const value = !o.takesValue ? '' : o.choices ? ` -x -a '${o.choices.join(' ')}'` : o.valueKind === 'step' ? " -x -a '(__revoke_steps)'" : o.valueKind === 'file' ? ' -r -F' : ' -x';
      lines.push(`complete -c revoke -n '${condition}' ${names}${value} -d ${fishText(o.description)}`);
    }
    const positional = positionalWords(spec, words);
    if (positional) lines.push(`complete -c revoke -n '${condition}' -a '${positional.join(' ')}'`);
    else lines.push(`complete -c revoke -n '${condition}' -F`);
  }
  return `${lines.join('\n')}\n`;
}
