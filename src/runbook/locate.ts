import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError } from '../errors.js';

/** The runbook a plan or report records: the path it was given as, and the sha256 of its bytes. */
export interface RecordedRunbook {
  file: string;
  sha256: string;
}

function sha256Of(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return createHash('sha256').update(readFileSync(path, 'utf8')).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Finds the runbook a plan or report (`besideFile`) was made with, so `apply` and `watch` work
 * from another folder or after the files were copied elsewhere: -r when given; else the first of
 * the recorded path (from here), the recorded path from the plan/report's folder, a file of the
 * same name next to it, or any .yaml/.yml next to it or in its parent folder, whose sha256 is the
 * recorded one. When none matches, the recorded path if it exists (the caller then says it changed).
 */
export function locateRunbook(recorded: RecordedRunbook, besideFile: string, override?: string): string {
  if (override !== undefined) return override;
  const here = dirname(resolve(besideFile));
  const named = [recorded.file, resolve(here, recorded.file), join(here, basename(recorded.file))];
  const nearby = [here, dirname(here)].flatMap((dir) => {
    try {
      return readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(dir, name));
    } catch {
      return [];
    }
  });
  for (const candidate of [...named, ...nearby]) if (sha256Of(candidate) === recorded.sha256) return candidate;
  if (existsSync(recorded.file)) return recorded.file;
  throw new InvalidInputError(
    `cannot find the runbook ${recorded.file} (sha256 ${recorded.sha256.slice(0, 12)}…) that ${besideFile} was made with: not there, and no file with that sha256 next to ${besideFile}`,
    'pass it with -r <runbook>, the same bytes the run used',
  );
}
