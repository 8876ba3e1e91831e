import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATH_OPTIONS, type PathRole } from '../../src/cli/paths.js';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { runCli } from '../support/cli.js';
import { BIN, ROOT } from '../support/spawn.js';

/**
 * The bad-path matrix: every path option and argument of every command (the table in
 * src/cli/paths.ts, so a new one is covered when it is added there) given a file where a folder
 * belongs, a folder where a file belongs, a missing path, an unreadable or unwritable one, and a
 * place under /proc. Each must be exit 2 with what, where and a fix, fast, writing nothing.
 *
 * One case per option runs the built binary (the unreadable/unwritable one when the tests can run
 * it as `nobody`, since only a process of another user can show that): the shipped path check
 * holds for every option. The rest of the matrix runs the same command line through the CLI's
 * main() in this process, with the same assertions: about 90 fewer process starts.
 */
const scratch = mkdtempSync(join(tmpdir(), 'revoke-badpaths-'));
chmodSync(scratch, 0o755);
const aFile = join(scratch, 'a-file.txt');
writeFileSync(aFile, 'not what any option wants\n');
const aFolder = join(scratch, 'a-folder');
mkdirSync(aFolder);
// Only root can read or write these; the cases that need them run the binary as `nobody`.
const rootOnlyFile = join(scratch, 'root-only.txt');
writeFileSync(rootOnlyFile, 'secret\n', { mode: 0o600 });
const rootOnlyFolder = join(scratch, 'root-only-folder');
mkdirSync(rootOnlyFolder, { mode: 0o700 });
const asRoot = process.getuid?.() === 0;
// The node binary must be one `nobody` may run (not one under /root, as npx installs it for root).
const canDropPrivileges = asRoot && spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, BIN, '--version']).status === 0;

interface BadPath {
  kind: string;
  path: string;
  /** Run as `nobody`, for whom root-only paths are unreadable/unwritable (root reads everything). */
  unprivileged?: boolean;
}

function badPaths(role: PathRole): BadPath[] {
  const common = [
    { kind: 'missing', path: join(scratch, 'no', 'such', 'thing') },
    { kind: 'under a file', path: join(aFile, 'x') },
    { kind: 'procfs', path: role.startsWith('output') ? '/proc/revoke-test/x' : '/proc/self' },
  ];
  switch (role) {
    case 'output-dir':
      return [{ kind: 'a file', path: aFile }, { kind: 'under a file', path: join(aFile, 'x') }, { kind: 'procfs', path: '/proc/revoke-test' }, { kind: 'procfs existing', path: '/proc/self' }, { kind: 'unwritable', path: join(rootOnlyFolder, 'reports'), unprivileged: true }];
    case 'output-file':
    case 'output-prefix':
      return [...common, { kind: 'a folder', path: role === 'output-file' ? aFolder : join(aFolder, 'x', 'y') }, { kind: 'existing', path: role === 'output-file' ? aFile : aFile.replace(/\.txt$/, '') }, { kind: 'unwritable', path: join(rootOnlyFolder, 'out'), unprivileged: true }];
    case 'input-dir':
      return [...common, { kind: 'a file', path: aFile }, { kind: 'unreadable', path: rootOnlyFolder, unprivileged: true }];
    default:
      return [...common, { kind: 'a folder', path: aFolder }, { kind: 'unreadable', path: rootOnlyFile, unprivileged: true }];
  }
}

if (existsSync(join(aFile.replace(/\.txt$/, '') + '.key'))) throw new Error('unexpected');
writeFileSync(`${aFile.replace(/\.txt$/, '')}.key`, 'an existing key file\n');

/** A command line that reaches the path checks, with `value` for the option or argument `name`. */
function commandLine(command: string, name: string, value: string): { argv: string[]; json: boolean } {
  const flag = (n: string) => ({ planOut: '--plan-out', signKey: '--sign-key', journalDir: '--journal-dir' })[n] ?? `--${n}`;
  const set = (n: string, fallback: string[]) => (n === name ? (n.startsWith('<') ? [value] : [flag(n), value]) : fallback);
  switch (command) {
    case 'user':
      return { argv: ['user', 'jdoe', '-r', 'runbooks/demo.yaml', '--dry-run', ...set('report', ['--report', join(scratch, 'reports')]), ...set('planOut', []), ...set('signKey', []), ...set('resume', [])], json: true };
    case 'apply':
      return { argv: ['apply', ...set('<plan>', [aFile]), ...set('key', []), ...set('report', []), ...set('signKey', []), '--yes'], json: true };
    case 'watch':
      return { argv: ['watch', ...set('<report>', [aFile]), ...set('key', []), ...set('report', []), ...set('signKey', [])], json: true };
    case 'restore':
      return { argv: ['restore', ...set('<report>', [aFile]), ...set('key', []), ...set('report', []), ...set('planOut', []), ...set('signKey', []), '--dry-run'], json: true };
    case 'audit':
      return { argv: ['audit', '-r', 'runbooks/demo.yaml', ...set('users', ['--users', aFile]), ...set('report', []), ...set('signKey', [])], json: true };
    case 'keygen':
      return { argv: ['keygen', ...set('out', [])], json: false };
    case 'verify':
      return { argv: ['verify', ...set('<report>', [aFile]), ...set('key', ['--key', aFile]), ...set('journalDir', [])], json: true };
    case 'show':
      return { argv: ['report', 'show', ...set('<report>', [aFile]), ...set('key', [])], json: true };
    case 'secret':
      return { argv: ['secret', ...set('from', ['--from', aFile]), '--dry-run', ...set('report', []), ...set('signKey', [])], json: true };
    default:
      throw new Error(`no command line for ${command}: add one to the matrix`);
  }
}

/** Which case of an option's list runs the binary: the one as `nobody` when that can run, else the first. */
function binaryCaseIndex(bad: BadPath[]): number {
  const unprivileged = bad.findIndex((b) => b.unprivileged);
  return asRoot && canDropPrivileges && unprivileged >= 0 ? unprivileged : 0;
}

const cases = Object.entries(PATH_OPTIONS).flatMap(([command, options]) =>
  Object.entries(options).flatMap(([name, role]) => {
    const bad = badPaths(role);
    const viaBinary = binaryCaseIndex(bad);
    return bad.map((b, index) => ({ command, name, role, ...b, via: index === viaBinary ? ('binary' as const) : ('in-process' as const) }));
  }),
);

function run(argv: string[], unprivileged: boolean) {
  const [file, args] = unprivileged ? ['runuser', ['-u', 'nobody', '--', process.execPath, BIN, ...argv]] : [process.execPath, [BIN, ...argv]];
  const started = performance.now();
  const result = spawnSync(file as string, args as string[], { cwd: ROOT, encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH, HOME: scratch, XDG_CONFIG_HOME: scratch, TMPDIR: process.env.TMPDIR } });
  return { ...result, ms: performance.now() - started };
}

/** The same command line through main() in this process, with the binary's environment; the same result shape. */
async function runInProcess(argv: string[]) {
  const result = await runCli(argv, builtinRegistry(), { env: { PATH: process.env.PATH, HOME: scratch, XDG_CONFIG_HOME: scratch, TMPDIR: process.env.TMPDIR } });
  return { status: result.code, stdout: result.stdout, stderr: result.stderr, error: undefined };
}

describe('bad paths: exit 2 with what, where and a fix, for every path option of every command (built binary)', () => {
  it('covers every command that takes a path', () => {
    expect(Object.keys(PATH_OPTIONS).sort()).toEqual(['apply', 'audit', 'keygen', 'restore', 'secret', 'show', 'user', 'verify', 'watch']);
  });

  it('runs every option of every command at least once through the built binary', () => {
    const options = new Set(cases.map((c) => `${c.command} ${c.name}`));
    expect(new Set(cases.filter((c) => c.via === 'binary').map((c) => `${c.command} ${c.name}`))).toEqual(options);
  });

  it.each(cases)('$command $name: $kind ($path, $via)', async ({ command, name, path, unprivileged, via }) => {
    // Root reads and writes everything: an unreadable/unwritable case needs a run as `nobody` (the binary).
    if (unprivileged && asRoot && (!canDropPrivileges || via !== 'binary')) return;
    const { argv, json } = commandLine(command, name, path);
    const before = readdirSync(scratch).sort();
    const full = json ? [...argv, '--json'] : argv;
    const result = via === 'binary' ? run(full, Boolean(unprivileged && asRoot)) : await runInProcess(full);
    expect(result.error, 'the command must finish (no spinning under /proc)').toBeUndefined();
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).toMatch(/^error: .+\n {2}fix: .+/m);
    expect(result.status).toBe(2);
    expect(readdirSync(scratch).sort(), 'nothing is written').toEqual(before);
    if (json) {
      const document = JSON.parse(result.stdout) as { error: { message: string; fix: string; location?: string; exitCode: number } };
      expect(document.error.exitCode).toBe(2);
      expect(document.error.fix).toBeTruthy();
      expect(document.error.message).toBeTruthy();
    }
  });

  it('--plan-out onto an existing file is refused without --force and passes the check with it', () => {
    const refused = run(['user', 'jdoe', '-r', 'runbooks/demo.yaml', '--dry-run', '--report', join(scratch, 'reports'), '--plan-out', aFile, '--sign-key', aFolder], false);
    expect(refused.stderr).toContain(`--plan-out ${aFile}: ${aFile} already exists; not overwriting it`);
    const forced = run(['user', 'jdoe', '-r', 'runbooks/demo.yaml', '--dry-run', '--report', join(scratch, 'reports'), '--plan-out', aFile, '--force', '--sign-key', aFolder], false);
    // Past the --plan-out check: the next bad path is reported instead.
    expect(forced.stderr).toContain(`--sign-key ${aFolder}: is a folder, not a file`);
  });

  it.each([
    ['HOME missing', { HOME: join(scratch, 'no-home'), XDG_CONFIG_HOME: '' }],
    ['XDG_CONFIG_HOME under /proc', { XDG_CONFIG_HOME: '/proc/revoke-test' }],
    ['XDG_CONFIG_HOME a file', { XDG_CONFIG_HOME: aFile }],
  ])('the default signing key with %s: exit 2 saying how to pass --sign-key or REVOKE_SIGNING_KEY', (_label, env) => {
    const result = spawnSync(process.execPath, [BIN, 'user', 'jdoe', '-r', 'runbooks/demo.yaml', '--dry-run', '--report', join(scratch, 'reports'), '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 15_000,
      env: { PATH: process.env.PATH, HOME: scratch, TMPDIR: process.env.TMPDIR, ...env },
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('the default key cannot be created');
    expect(result.stderr).toContain('fix: pass --sign-key');
    expect(JSON.parse(result.stdout).error.fix).toContain('REVOKE_SIGNING_KEY');
    expect(existsSync(join(scratch, 'no-home'))).toBe(false);
  });

  it('a usage error with --json still prints a JSON error document on stdout', () => {
    const result = run(['user', 'jdoe', '--json'], false);
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain("required option '-r, --runbook <file>' not specified");
  });
});
