import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/spawn.js';

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/**
 * What a user installs: `npm pack` (the `files` list decides what ships), installed globally into
 * a temporary prefix, then run from there, outside this checkout. Catches files missing from the
 * package, and bundling or ESM/CommonJS interop errors that only show outside the repository.
 */
let prefix: string;
let installed: string;
const revoke = async (args: string[], timeout = 60_000) => {
  const result = await exec(join(prefix, 'bin', 'revoke'), args, { cwd: prefix, timeout, env: { PATH: process.env.PATH, HOME: prefix, XDG_CONFIG_HOME: prefix, AWS_EC2_METADATA_DISABLED: 'true' } }).then(
    (r) => ({ code: 0, ...r }),
    (error: { code?: number; stdout: string; stderr: string }) => ({ code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }),
  );
  return result;
};

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'revoke-pack-'));
  prefix = join(work, 'prefix');
  // --ignore-scripts: dist/ is already built by `npm test`; rebuilding here would replace it under the other e2e files.
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const { filename, files } = (JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
  expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['bin/revoke.js', 'dist/cli/main.js', 'dist/sandbox/index.js', 'runbooks/demo.yaml', 'schema/runbook.schema.json', 'docs/aws-iam-policy.json']));
  expect(files.filter((f) => /^(src|test|node_modules)\//.test(f.path))).toEqual([]);
  // Dependencies come from npm's cache when they are there (npm ci filled it), else the registry.
  await exec('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, filename)], { cwd: work, timeout: 150_000 });
  installed = join(prefix, 'lib', 'node_modules', pkg.name);
}, 180_000);
afterAll(() => undefined);

describe('the installed package (npm pack, npm install -g into a temporary prefix)', () => {
  it('has no runtime dependencies: dist/ imports nothing but Node built-ins, and the install holds the package alone', () => {
    const pkgJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(pkgJson.dependencies ?? {}).toEqual({});
    const builtins = new Set(builtinModules);
    // pg's optional native binding is required only when `pg.native` is used, which revoke never
    // does; the AWS SDK names its CRT signer only in an error text (SigV4a, which revoke never uses).
    const optional = new Set(['pg-native', '@aws-sdk/signature-v4-crt']);
    const bare: string[] = [];
    for (const file of readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(ROOT, 'dist', file), 'utf8');
      // esbuild writes static imports as `import … from "x";` lines and dynamic ones as import("x") / __require("x").
      const specifiers = [...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";/gm), ...code.matchAll(/^\s*import\s*"([^"]+)";/gm), ...code.matchAll(/\b(?:import|require)\("([^"]+)"\)/g)];
      for (const match of specifiers.filter((m) => /^(?:node:|@?[a-z0-9])[\w.@/:-]*$/.test(m[1]!))) {
        const name = match[1]!.replace(/^node:/, '');
        if (!builtins.has(name) && !builtins.has(name.split('/')[0]!) && !optional.has(name)) bare.push(`${file}: ${match[1]}`);
      }
    }
    expect(bare).toEqual([]);
    expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual([pkg.name]);
    expect(readdirSync(installed)).not.toContain('node_modules');
  });

  it('revoke --version prints the version', async () => {
    const result = await revoke(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('revoke validate checks the runbooks that ship with it', async () => {
    const result = await revoke(['validate', join(installed, 'runbooks', 'offboarding.yaml'), join(installed, 'runbooks', 'demo.yaml')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('offboarding.yaml: ok');
  });

  it('revoke schema prints the schema that ships in schema/', async () => {
    const result = await revoke(['schema']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(join(installed, 'schema', 'runbook.schema.json'), 'utf8')));
  });

  it('revoke demo runs end to end from the installed copy', async () => {
    const result = await revoke(['demo', '--no-color'], 120_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Result for jdoe: done');
    expect(result.stdout).toContain('IAM user jdoe: gone');
    expect(result.stdout).toMatch(/valid: run \S+ for jdoe \(real run, completed\)/);
    expect(result.stdout + result.stderr).not.toMatch(/\(node:\d+\)|internal error|sandbox-secret/);
  }, 150_000);
});
