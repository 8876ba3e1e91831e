import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runBin } from '../support/spawn.js';

const dir = join(ROOT, 'examples', 'github-actions');

/** Every `revoke <command> ... --flag` in a workflow, so the examples cannot drift from the CLI. */
function revokeCommands(workflow: { jobs: Record<string, { steps: Array<{ run?: string }> }> }): Array<{ command: string; flags: string[] }> {
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps.map((step) => step.run ?? ''))
    .flatMap((script) => script.split('\n'))
    .map((line) => /\brevoke ((?:report )?[a-z]+)(.*)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ command: m[1]!, flags: [...m[2]!.matchAll(/(--[a-z-]+)/g)].map((f) => f[1]!) }));
}

describe('GitHub Actions examples', () => {
  it.each(readdirSync(dir))('%s is valid YAML and uses only real revoke commands and flags', async (name) => {
    const workflow = parse(readFileSync(join(dir, name), 'utf8'));
    const commands = revokeCommands(workflow);
    expect(commands.length).toBeGreaterThan(0);
    for (const { command, flags } of commands) {
      const help = await runBin([...command.split(' '), '--help']);
      expect(help.code, `revoke ${command} --help`).toBe(0);
      for (const flag of flags) expect(help.stdout, `revoke ${command} ${flag}`).toContain(flag);
    }
  });
});
