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

/** Where the public key that verifies a report signed by `source` (Signer.source) is, for the line every run prints. */
export function verifyingKeyHint(source: string, env: NodeJS.ProcessEnv): string {
  if (source.startsWith('default key ')) return defaultKeyPaths(env).pub;
  if (source.startsWith('file ')) {
    const file = source.slice('file '.length);
    const sibling = [file.replace(/\.key$/, '.pub'), file.replace(/\.pem$/, '.pub.pem')].find((p) => p !== file && existsSync(p));
    return sibling ?? `the public key of ${file} (openssl pkey -in ${file} -pubout)`;
  }
  if (source.startsWith('kms:')) return `the public key of ${source} (aws kms get-public-key --key-id ${source.slice(4)})`;
  return `the public key of ${source}`;
}
