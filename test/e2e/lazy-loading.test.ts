import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../support/spawn.js';

const hook = fileURLToPath(new URL('../support/record-loads.mjs', import.meta.url));

/** Runs the binary and returns which bundled packages the modules it loaded contain. */
function packagesLoadedBy(args: string[], expectedStatus = 0, env: NodeJS.ProcessEnv = {}): Set<string> {
  const log = join(mkdtempSync(join(tmpdir(), 'revoke-loads-')), 'loads.txt');
  const result = spawnSync(process.execPath, ['--import', hook, BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, REVOKE_LOAD_LOG: log, ...env }, encoding: 'utf8' });
  expect(result.status).toBe(expectedStatus);
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:') && url.includes('/dist/'));
  const packages = new Set<string>();
  for (const file of files) {
    // esbuild keeps a "// node_modules/<package>/..." comment above each bundled module.
    for (const match of readFileSync(fileURLToPath(file), 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) packages.add(match[1]!);
    if (file.includes('/sandbox/') || readFileSync(fileURLToPath(file), 'utf8').includes('// src/sandbox/')) packages.add('revoke:sandbox');
  }
  return packages;
}

describe('lazy loading', () => {
  it('--help loads commander and nothing heavy', () => {
    const loaded = packagesLoadedBy(['--help']);
    expect(loaded.has('commander')).toBe(true);
    for (const heavy of ['zod', 'yaml', 'listr2', 'chalk', '@aws-sdk/client-iam', '@inquirer/core']) expect(loaded.has(heavy), heavy).toBe(false);
  });

  it('demo does load the AWS SDK and the sandbox (so the checks above can see them)', () => {
    const loaded = packagesLoadedBy(['demo', '--no-color']);
    expect(loaded.has('@aws-sdk/client-iam')).toBe(true);
    expect(loaded.has('@octokit/core')).toBe(true);
    expect(loaded.has('revoke:sandbox')).toBe(true);
  });

  it('a run without a terminal does not load listr2 or the prompt library', () => {
    // No credentials: the run gets as far as connecting to AWS (so the SDK loads), then exits 2.
    const home = mkdtempSync(join(tmpdir(), 'revoke-home-'));
    const loaded = packagesLoadedBy(['user', 'x', '-r', 'runbooks/offboarding.yaml', '--dry-run', '--report', join(home, 'reports')], 2, { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
    expect(loaded.has('chalk')).toBe(true);
    expect(loaded.has('@aws-sdk/client-iam')).toBe(true);
    expect(loaded.has('listr2')).toBe(false);
    expect(loaded.has('@inquirer/core')).toBe(false);
  });

  it('validate loads the runbook stack but no provider SDK and no sandbox', () => {
    const loaded = packagesLoadedBy(['validate', 'runbooks/offboarding.yaml', 'runbooks/google-offboarding.yaml']);
    expect(loaded.has('zod')).toBe(true);
    expect(loaded.has('yaml')).toBe(true);
    for (const lazy of ['@aws-sdk/client-iam', '@aws-sdk/client-sts', '@smithy/core', '@octokit/rest', '@octokit/core', 'pg', '@googleapis/admin', 'googleapis-common', 'google-auth-library', 'gaxios', '@azure/identity', '@azure/msal-node', '@microsoft/microsoft-graph-client', 'listr2', '@inquirer/core', 'revoke:sandbox']) expect(loaded.has(lazy), lazy).toBe(false);
  });

  it('validate of an okta runbook loads no provider SDK and no sandbox (okta uses no SDK: a fetch client)', () => {
    const loaded = packagesLoadedBy(['validate', 'runbooks/okta-offboarding.yaml']);
    for (const lazy of ['@aws-sdk/client-iam', '@octokit/core', 'pg', 'listr2', 'revoke:sandbox']) expect(loaded.has(lazy), lazy).toBe(false);
  });
});
