import { existsSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { readPublicKeyFile } from '../report/verify.js';
import { defaultKeyPaths } from '../report/signer.js';
import { writeLine, type CliIO } from './io.js';

/**
 * The public key to check a signature with: --key, else this machine's default public key (the
 * one `revoke user` signs with when given no key), saying so on stderr.
 */
export function resolvePublicKey(key: string | undefined, io: CliIO, whose: string): { pem: string; path: string } {
  if (key !== undefined) return { pem: readPublicKeyFile(key, whose), path: key };
  const { pub } = defaultKeyPaths(io.env);
  if (!existsSync(pub)) {
    throw new InvalidInputError(`no --key given, and there is no default public key on this machine (${pub})`, `pass --key <pub.pem>: the public key of ${whose}`);
  }
  writeLine(io.stderr, `note: no --key given; checking with this machine's default public key ${pub}`);
  return { pem: readPublicKeyFile(pub, whose), path: pub };
}
