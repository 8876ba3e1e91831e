import { accessSync, constants, existsSync, statfsSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidInputError } from '../errors.js';

/**
 * Every path a command is given is checked here, before anything runs, so a bad path is exit 2
 * naming the option, the path and the fix, never a stack trace after discovery or a half-written
 * file. What each command's path options and arguments are lives in one table.
 */
export type PathRole =
  /** A folder the command writes into, created when missing (--report). */
  | 'output-dir'
  /** A file the command creates; an existing one only with --force (--plan-out). */
  | 'output-file'
  /** A path prefix of files the command creates (keygen --out). */
  | 'output-prefix'
  /** A file the command reads ("-" allowed where noted). */
  | 'input-file'
  | 'input-file-or-stdin'
  /** A folder the command reads (--journal-dir). */
  | 'input-dir'
  /** A PEM file, or kms:<key id> which is not a path (--sign-key). */
  | 'key-file-or-kms';

/** The error of a bad path: what, where (the option and the path), and how to fix it. */
export class PathError extends InvalidInputError {
  constructor(
    readonly option: string,
    readonly path: string,
    problem: string,
    fix: string,
  ) {
    super(`${option} ${path}: ${problem}`, fix);
    this.name = 'PathError';
  }

  get location(): string {
    return this.path;
  }
}

/**
 * Options holding paths, by command, and the role of each. Positional arguments are "<name>".
 * Runbooks (-r, validate's files) are not here: reading one maps its own errors to located
 * diagnostics (src/runbook/load.ts), and `validate` reports every file, not just the first.
 */
export const PATH_OPTIONS: Record<string, Record<string, PathRole>> = {
  user: { report: 'output-dir', planOut: 'output-file', signKey: 'key-file-or-kms', resume: 'input-file' },
  apply: { '<plan>': 'input-file', key: 'input-file', report: 'output-dir', signKey: 'key-file-or-kms' },
  watch: { '<report>': 'input-file', key: 'input-file', report: 'output-dir', signKey: 'key-file-or-kms' },
  restore: { '<report>': 'input-file', key: 'input-file', report: 'output-dir', planOut: 'output-file', signKey: 'key-file-or-kms' },
  audit: { users: 'input-file-or-stdin', report: 'output-dir', signKey: 'key-file-or-kms' },
  drill: { report: 'output-dir', signKey: 'key-file-or-kms' },
  keygen: { out: 'output-prefix' },
  verify: { '<report>': 'input-file', key: 'input-file', journalDir: 'input-dir' },
  show: { '<report>': 'input-file', key: 'input-file' },
  secret: { from: 'input-file-or-stdin', report: 'output-dir', signKey: 'key-file-or-kms' },
};

const FLAG_OF: Record<string, string> = { planOut: '--plan-out', signKey: '--sign-key', journalDir: '--journal-dir', runbook: '-r/--runbook' };
const flagOf = (name: string) => (name.startsWith('<') ? name.replace(/\.\.\.>$/, '>') : (FLAG_OF[name] ?? `--${name}`));

/** Checks every path option and argument of `command`; throws a PathError for the first bad one. */
export function checkCommandPaths(command: string, options: Record<string, unknown>, args: Record<string, unknown>): void {
  const table = PATH_OPTIONS[command];
  if (!table) return;
  for (const [name, role] of Object.entries(table)) {
    const value = name.startsWith('<') ? args[name] : options[name];
    for (const path of Array.isArray(value) ? value : [value]) {
      if (typeof path === 'string') checkPath(flagOf(name), path, role, { force: options.force === true });
    }
  }
}

export function checkPath(option: string, path: string, role: PathRole, context: { force?: boolean } = {}): void {
  if (path === '') throw new PathError(option, '""', 'is empty', `give ${option} a path`);
  switch (role) {
    case 'input-file-or-stdin':
      if (path === '-') return;
      return checkInputFile(option, path);
    case 'key-file-or-kms':
      if (path.startsWith('kms:')) return;
      return checkInputFile(option, path);
    case 'input-file':
      return checkInputFile(option, path);
    case 'input-dir':
      return checkInputDir(option, path);
    case 'output-dir':
      return checkOutputDir(option, path);
    case 'output-file':
      return checkOutputFile(option, path, Boolean(context.force));
    case 'output-prefix':
      return checkOutputFile(option, `${path}.key`, false, path);
  }
}

function statOrThrow(option: string, path: string, wanted: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw fsPathError(option, path, error, `read ${wanted}`);
  }
}

function checkInputFile(option: string, path: string): void {
  const stats = statOrThrow(option, path, 'the file');
  if (stats.isDirectory()) throw new PathError(option, path, 'is a folder, not a file', `give ${option} a file`);
  if (!stats.isFile() && !stats.isFIFO() && !stats.isCharacterDevice()) throw new PathError(option, path, 'is not a regular file', `give ${option} a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw fsPathError(option, path, error, 'read the file');
  }
}

function checkInputDir(option: string, path: string): void {
  refusePseudoFilesystem(option, path);
  const stats = statOrThrow(option, path, 'the folder');
  if (!stats.isDirectory()) throw new PathError(option, path, 'is not a folder', `give ${option} a folder`);
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw fsPathError(option, path, error, 'read the folder');
  }
}

/** The nearest part of `path` that exists (the path itself, or a parent). */
function nearestExisting(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** procfs, sysfs and friends: writing there never makes a report, and mkdir can spin forever. */
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
]);

function refusePseudoFilesystem(option: string, path: string): void {
  const existing = nearestExisting(path);
  let type: number;
  try {
    type = statfsSync(existing).type;
  } catch {
    return;
  }
  const name = PSEUDO_FILESYSTEMS.get(type);
  if (name) throw new PathError(option, path, `is on ${name} (${existing}), which holds no files of yours`, `give ${option} a place on a real disk, e.g. ./reports`);
}

/** A folder to write into: it, or the nearest parent that exists, must be a folder we may write. Nothing is created here. */
function checkOutputDir(option: string, path: string): void {
  refusePseudoFilesystem(option, path);
  const existing = nearestExisting(path);
  const existingStats = statOrThrow(option, existing, 'the folder');
  if (!existingStats.isDirectory()) {
    throw new PathError(option, path, existing === resolve(path) ? 'is a file, not a folder' : `${existing} is a file, not a folder`, `give ${option} a folder (it is created if missing)`);
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw fsPathError(option, path, error, `write into ${existing}`);
  }
}

function checkOutputFile(option: string, path: string, force: boolean, shownPath = path): void {
  refusePseudoFilesystem(option, path);
  const parent = dirname(resolve(path));
  let parentStats: Stats;
  try {
    parentStats = statSync(parent);
  } catch (error) {
    throw fsPathError(option, shownPath, error, `write into ${parent}`, `create the folder first (mkdir -p ${parent}), or give ${option} a path in an existing folder`);
  }
  if (!parentStats.isDirectory()) throw new PathError(option, shownPath, `${parent} is not a folder`, `give ${option} a path in a folder`);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new PathError(option, shownPath, 'is a folder', `give ${option} a file name, e.g. ${path.replace(/\/+$/, '')}/plan.json`);
    if (!force) throw new PathError(option, shownPath, `${path} already exists; not overwriting it`, option === '--out' ? 'choose another prefix, or move the old files away' : `choose another file, or add --force to replace it`);
  }
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw fsPathError(option, shownPath, error, `write into ${parent}`);
  }
}

const PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  ELOOP: 'has too many symbolic links (a loop?)',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** Turns a file-system error on `path` into an exit-2 error: what failed, where, and a fix. */
export function fsPathError(option: string, path: string, error: unknown, action: string, fix?: string): PathError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'error';
  const problem = `cannot ${action}: ${PROBLEMS[code] ?? (error as Error)?.message ?? String(error)} (${code})`;
  const defaultFix =
    code === 'ENOENT' ? `check the path given to ${option}` : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `give ${option} a place you can ${action.startsWith('read') ? 'read' : 'write to'}` : `check the path given to ${option}`;
  return new PathError(option, path, problem, fix ?? defaultFix);
}

/** A file-system error that escaped a command (it has an errno code and a path): exit 2, not a crash. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  const e = error as NodeJS.ErrnoException | undefined;
  return Boolean(e && typeof e.code === 'string' && typeof e.path === 'string' && typeof e.syscall === 'string' && e.code in PROBLEMS);
}
