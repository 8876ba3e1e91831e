import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { InvalidInputError } from '../errors.js';

import { algorithmOf, keyIdOf, type Signer } from './signing-key.js';

export { algorithmOf, keyIdOf, type Signer, type SigningAlgorithm } from './signing-key.js';

/** A signer over a private key held in this process (file, environment, or the default key). */
export function localSigner(privateKey: KeyObject, source: string): Signer {
  const algorithm = algorithmOf(privateKey);
  if (!algorithm) {
    const curve = privateKey.asymmetricKeyDetails?.namedCurve;
    throw new InvalidInputError(
      `the signing key from ${source} is ${privateKey.asymmetricKeyType}${curve ? ` (${curve})` : ''}; revoke signs with ECDSA P-256 or Ed25519`,
      'make one with `revoke keygen --out <prefix>` (P-256 by default, --type ed25519 for Ed25519)',
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm,
    keyid: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    source,
    // ECDSA signatures in DER, what `openssl dgst -verify` and cosign expect.
    sign: async (data) => (algorithm === 'ed25519' ? sign(null, data, privateKey) : sign('sha256', data, { key: privateKey, dsaEncoding: 'der' })),
  };
}

export interface SignerOptions {
  /** --sign-key: a PEM file, or kms:<key id or ARN>. */
  signKey?: string;
  env: NodeJS.ProcessEnv;
  /** Called when a default key was created, with the path of its public key. */
  onDefaultKeyCreated?: (publicKeyPath: string) => void;
}

/** Finds the signing key: --sign-key, then REVOKE_SIGNING_KEY, then the default key (created once). */
export async function loadSigner(options: SignerOptions): Promise<Signer> {
  const { signKey, env } = options;
  if (signKey?.startsWith('kms:')) {
    const { kmsSigner } = await import('./kms-signer.js');
    return kmsSigner(signKey.slice('kms:'.length), env);
  }
  if (signKey !== undefined) return localSigner(readPrivateKeyFile(signKey, env), `file ${signKey}`);
  if (env.REVOKE_SIGNING_KEY) return localSigner(parsePrivateKey(env.REVOKE_SIGNING_KEY, 'REVOKE_SIGNING_KEY', env), 'REVOKE_SIGNING_KEY');
  return defaultSigner(env, options.onDefaultKeyCreated);
}

function readPrivateKeyFile(path: string, env: NodeJS.ProcessEnv): KeyObject {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new InvalidInputError(`signing key ${path} does not exist`, 'check --sign-key, or make a key with `revoke keygen --out <prefix>`');
  }
  if ((mode & 0o077) !== 0) {
    throw new InvalidInputError(
      `signing key ${path} can be read by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); refusing to use it`,
      `chmod 600 ${path}`,
    );
  }
  return parsePrivateKey(readFileSync(path, 'utf8'), `file ${path}`, env);
}

function parsePrivateKey(pem: string, source: string, env: NodeJS.ProcessEnv): KeyObject {
  const passphrase = env.REVOKE_SIGNING_KEY_PASSPHRASE;
  const encrypted = /BEGIN ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/.test(pem);
  if (encrypted && passphrase === undefined) {
    throw new InvalidInputError(`the signing key from ${source} is encrypted`, 'set REVOKE_SIGNING_KEY_PASSPHRASE to its passphrase');
  }
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch (error) {
    // Never echo the key or the passphrase: say which source and what kind of problem.
    if (encrypted) {
      throw new InvalidInputError(`the signing key from ${source} could not be decrypted`, 'check REVOKE_SIGNING_KEY_PASSPHRASE');
    }
    throw new InvalidInputError(`the signing key from ${source} is not a PEM private key`, 'use a PKCS#8 or SEC1 PEM private key, e.g. one made by `revoke keygen --out <prefix>`');
  }
}

export function defaultKeyPaths(env: NodeJS.ProcessEnv): { dir: string; key: string; pub: string } {
  const dir = join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'revoke');
  return { dir, key: join(dir, 'signing-key.pem'), pub: join(dir, 'signing-key.pub.pem') };
}

function defaultSigner(env: NodeJS.ProcessEnv, onCreated?: (publicKeyPath: string) => void): Signer {
  const paths = defaultKeyPaths(env);
  if (!existsSync(paths.key)) {
    try {
      makeConfigDir(paths.dir, env);
      writeKeyPair(generateKeyPair('ecdsa-p256'), paths.key, paths.pub);
    } catch (error) {
      // A CI job with a read-only or missing HOME: say how to give a key instead.
      throw new InvalidInputError(
        `no signing key given, and the default key cannot be created in ${paths.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'pass --sign-key <key.pem|kms:key-id> or set REVOKE_SIGNING_KEY (make one with `revoke keygen --out <prefix>`), or point XDG_CONFIG_HOME at a writable folder',
      );
    }
    onCreated?.(paths.pub);
  }
  return localSigner(readPrivateKeyFile(paths.key, env), `default key ${paths.key}`);
}

/**
 * Creates the config folder one level at a time below a base that must exist (XDG_CONFIG_HOME,
 * or HOME): a missing HOME is not invented, and recursive mkdir under /proc would spin forever.
 */
function makeConfigDir(dir: string, env: NodeJS.ProcessEnv): void {
  const base = env.XDG_CONFIG_HOME || env.HOME || homedir();
  if (!statSync(base).isDirectory()) throw Object.assign(new Error(`${base} is not a folder`), { code: 'ENOTDIR' });
  const below = relative(base, dir).split(sep);
  let current = base;
  for (const part of below) {
    current = join(current, part);
    try {
      mkdirSync(current, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

export type KeyType = 'ecdsa-p256' | 'ed25519';

export function generateKeyPair(type: KeyType): { privateKeyPem: string; publicKeyPem: string } {
  const pair = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Writes a key pair: the private key 0600 (created so, never readable by others even briefly). */
export function writeKeyPair(pair: { privateKeyPem: string; publicKeyPem: string }, keyPath: string, pubPath: string): void {
  writeFileSync(keyPath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  chmodSync(keyPath, 0o600);
  writeFileSync(pubPath, pair.publicKeyPem, { mode: 0o644 });
}
