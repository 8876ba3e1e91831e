import { readFileSync, statSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';

/**
 * Reads a file holding a secret (a private key, a certificate with its key), refusing one that
 * group or others can read: such a key may already be in other hands, and using it would hide
 * that. Missing and readable files are bad input (exit 2) with the caller's wording.
 */
export function readOwnerOnlyFile(file: string, words: { missing: string; missingFix: string; readable: string }): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new InvalidInputError(words.missing, words.missingFix);
  }
  if ((mode & 0o077) !== 0) throw new InvalidInputError(words.readable, `chmod 600 ${file}`);
  return readFileSync(file, 'utf8');
}
