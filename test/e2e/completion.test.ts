import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { writeTemp } from '../support/cli.js';
import { ROOT, runBin } from '../support/spawn.js';

const RUNBOOK = 'runbooks/demo.yaml';
const DEMO_STEPS = (parse(readFileSync(join(ROOT, RUNBOOK), 'utf8')) as { steps: Array<{ id: string }> }).steps.map((s) => s.id);
const PROVIDER_TYPES = builtinRegistry().types();
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

async function script(shell: string): Promise<string> {
  const { code, stdout, stderr } = await runBin(['completion', shell]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return writeTemp(`revoke.${shell}`, stdout);
}

/** What bash offers for the words typed so far (the last one being completed). */
function bashComplete(file: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _revoke; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('revoke completion (the built binary)', () => {
  it('bash completes commands, subcommands, options, choices, provider types and the runbook step ids', async () => {
    const file = await script('bash');
    expect(bashComplete(file, ['revoke', 'sa'])).toEqual(['sandbox']);
    expect(bashComplete(file, ['revoke', 'report', ''])).toEqual(['show']);
    expect(bashComplete(file, ['revoke', 'user', 'alice', '--plan-o'])).toEqual(['--plan-out']);
    expect(bashComplete(file, ['revoke', 'watch', 'r.json', '--format', ''])).toEqual(['text', 'json', 'md']);
    expect(bashComplete(file, ['revoke', 'providers', ''])).toEqual(PROVIDER_TYPES);
    expect(bashComplete(file, ['revoke', 'user', 'alice', '-r', RUNBOOK, '--only', ''])).toEqual(DEMO_STEPS);
    expect(bashComplete(file, ['revoke', 'user', 'alice', '-r', 'no/such.yaml', '--only', ''])).toEqual([]);
  });

  it.runIf(has('fish'))('fish completes the same, step ids included', async () => {
    const file = await script('fish');
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], { cwd: ROOT, encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    expect(complete('revoke sa')).toEqual(['sandbox']);
    expect(complete(`revoke user alice -r ${RUNBOOK} --only `).sort()).toEqual([...DEMO_STEPS].sort());
    expect(complete('revoke audit --format ').sort()).toEqual(['json', 'md', 'text']);
  });

  it.runIf(has('zsh'))('zsh loads it as the completion function of revoke, and it reads step ids', async () => {
    const file = await script('zsh');
    const out = execFileSync('zsh', ['-f', '-c', `autoload -Uz compinit; compinit -u -D; source '${file}'; print -r -- $_comps[revoke]; words=(revoke user alice -r ${RUNBOOK} --only ''); CURRENT=7; compadd() { shift; print -r -- "$@"; }; _revoke_steps`], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(['_revoke', DEMO_STEPS.join(' ')]);
  });

  it('an unknown shell is a usage error', async () => {
    const { code, stderr } = await runBin(['completion', 'powershell']);
    expect(code).toBe(2);
    expect(stderr).toContain('Allowed choices are bash, zsh, fish');
  });

  it('the shipped man page is the one the current help text makes, and renders without warnings', async () => {
    const { stdout } = await runBin(['man']);
    const shipped = readFileSync(join(ROOT, 'man', 'revoke.1'), 'utf8');
    expect(shipped, 'man/revoke.1 is stale: run npm run man').toBe(stdout);
    for (const command of ['user', 'apply', 'audit', 'sandbox', 'completion', 'report show']) expect(shipped).toContain(`.SS "revoke ${command}"`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; man: string[] };
    expect(pkg.files).toContain('man');
    expect(pkg.man).toEqual(['man/revoke.1']);
    if (has('groff')) {
      const render = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(ROOT, 'man', 'revoke.1')], { encoding: 'utf8' });
      expect(render.stderr).toBe('');
    }
  });
});
