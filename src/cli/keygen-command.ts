import { existsSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { generateKeyPair, writeKeyPair, type KeyType } from '../report/signer.js';
import { writeLine, type CliIO } from './io.js';

export async function keygenCommand(options: { out: string; type: KeyType }, io: CliIO): Promise<number> {
  const keyPath = `${options.out}.key`;
  const pubPath = `${options.out}.pub`;
  for (const path of [keyPath, pubPath]) {
    if (existsSync(path)) throw new InvalidInputError(`${path} already exists; refusing to overwrite a key`, 'choose another --out prefix, or move the old files away first');
  }
  try {
    writeKeyPair(generateKeyPair(options.type), keyPath, pubPath);
  } catch (error) {
    throw new InvalidInputError(`cannot write ${keyPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the directory exists and is writable');
  }
  writeLine(io.stdout, `private key: ${keyPath} (${options.type}, mode 0600; keep it secret, or store it as a CI secret in REVOKE_SIGNING_KEY)`);
  writeLine(io.stdout, `public key:  ${pubPath} (give it to whoever verifies reports: revoke verify <report> --key ${pubPath})`);
  return ExitCode.Success;
}
