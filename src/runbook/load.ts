import { readFile, stat } from 'node:fs/promises';
import { InvalidInputError, RunbookInvalidError } from '../errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Runbook } from './model.js';
import { RUNBOOK_LIMITS, RunbookSource } from './source.js';
import { validateRunbook } from './validate.js';

export async function readRunbookSource(file: string): Promise<RunbookSource> {
  let text: string;
  try {
    // Checked before reading: a huge file is refused without holding it in memory.
    const { size } = await stat(file);
    if (size > RUNBOOK_LIMITS.maxBytes) {
      throw new InvalidInputError(`runbook ${file} is ${size} bytes, more than revoke reads (${RUNBOOK_LIMITS.maxBytes} bytes, 1 MiB)`, 'a runbook is a few KiB of YAML; check that -r names the right file');
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
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
