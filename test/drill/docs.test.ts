import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/spawn.js';

/** Every `revoke <command> ...` line of the workflow's `run:` scripts, split into words. */
function revokeCommandLines(workflow: { jobs: Record<string, { steps: Array<{ run?: string }> }> }): string[][] {
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps.map((step) => step.run ?? ''))
    .flatMap((script) => script.split('\n'))
    .map((line) => /\brevoke ((?:report )?[a-z].*?)(?:\s*(?:>|\||#|$))/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined)
    .map((line) => line.trim().split(/\s+/));
}

it('docs/github-actions-drill.yml is a weekly workflow whose revoke command lines are valid for the CLI, on a runbook that validates', async () => {
  const workflow = parse(readFileSync(join(ROOT, 'docs', 'github-actions-drill.yml'), 'utf8'));
  expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* [0-6]$/); // once a week
  const lines = revokeCommandLines(workflow);
  expect(lines.map((l) => l[0])).toEqual(['drill', 'report']);
  for (const words of lines) {
    const command = words[0] === 'report' ? words.slice(0, 2) : words.slice(0, 1);
    const help = await runCli([...command, '--help'], builtinRegistry());
    expect(help.code).toBe(0);
    for (const flag of words.filter((w) => w.startsWith('-'))) expect(help.stdout, `revoke ${command.join(' ')} ${flag}`).toContain(flag);
  }
  // The drill's runbook is real and every step can be drilled (aws-iam and postgres make canaries).
  const drill = lines.find((l) => l[0] === 'drill')!;
  const runbook = await loadRunbook(join(ROOT, drill[drill.indexOf('-r') + 1]!), builtinRegistry());
  for (const step of runbook.steps) expect(builtinRegistry().get(runbook.providers[step.provider]!.type)?.canary, step.id).toBeDefined();
  expect(drill[drill.indexOf('--deadline') + 1]).toMatch(/^\d+m$/);
});
