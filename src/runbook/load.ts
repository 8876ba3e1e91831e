import { readFile } from 'node:fs/promises';
import { InvalidInputError, RunbookInvalidError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Runbook } from './model.js';
import { RunbookSource } from './source.js';
import { validateRunbook } from './validate.js';

export async function readRunbookSource(file: string): Promise<RunbookSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(`runbook ${file} does not exist`, 'check the path passed to -r/--runbook');
    if (code === 'EISDIR') throw new InvalidInputError(`runbook ${file} is a directory`, 'pass the path of a .yaml file');
    throw new InvalidInputError(`cannot read runbook ${file}: ${code ?? String(error)}`);
  }
  return new RunbookSource(file, text);
}

/** Reads and validates a runbook; throws RunbookInvalidError with every problem found. */
export async function loadRunbook(file: string, registry: ProviderRegistry): Promise<Runbook> {
  const result = validateRunbook(await readRunbookSource(file), registry);
  if (!result.runbook) throw new RunbookInvalidError(result.diagnostics);
  return result.runbook;
}
