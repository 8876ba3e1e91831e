#!/usr/bin/env node
// Regenerates the committed files derived from code: the runbook JSON Schema and the aws-iam
// least-privilege policy. Tests fail when they drift; run `npm run generate` and commit.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const cli = (...args) => {
  const result = spawnSync(process.execPath, ['bin/revoke.js', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`revoke ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
};

writeFileSync('schema/runbook.schema.json', cli('schema'));
const [awsIam] = JSON.parse(cli('providers', 'aws-iam', '--json'));
writeFileSync('docs/aws-iam-policy.json', `${JSON.stringify(awsIam.policy, null, 2)}\n`);
console.log('wrote schema/runbook.schema.json and docs/aws-iam-policy.json');
