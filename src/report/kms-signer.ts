import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { InvalidInputError } from '../errors.js';
import { keyIdOf, type Signer } from './signing-key.js';

/**
 * Signs with an AWS KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): revoke sends only the
 * sha256 digest; the private key never leaves KMS. Endpoint: AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL.
 */
export async function kmsSigner(keyId: string, env: NodeJS.ProcessEnv): Promise<Signer> {
  if (!keyId) throw new InvalidInputError('--sign-key kms: needs a key id, ARN or alias', 'e.g. --sign-key kms:alias/revoke-reports');
  const endpoint = env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  const kms = new KMSClient({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 6,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  let response;
  try {
    response = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  } catch (error) {
    throw new InvalidInputError(`cannot use KMS key ${keyId}: ${(error as Error).name}: ${(error as Error).message}`, 'check the key id and that the credentials may call kms:GetPublicKey and kms:Sign on it');
  }
  if (response.KeySpec !== 'ECC_NIST_P256' || response.KeyUsage !== 'SIGN_VERIFY') {
    throw new InvalidInputError(`KMS key ${keyId} is ${response.KeySpec}/${response.KeyUsage}; revoke needs ECC_NIST_P256 with SIGN_VERIFY`, 'create an asymmetric signing key with key spec ECC_NIST_P256');
  }
  const publicKey = createPublicKey({ key: Buffer.from(response.PublicKey!), format: 'der', type: 'spki' });
  return {
    algorithm: 'ecdsa-p256-sha256',
    keyid: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    source: `kms:${keyId}`,
    sign: async (data) => {
      const digest = createHash('sha256').update(data).digest();
      const signed = await kms.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
      return Buffer.from(signed.Signature!);
    },
  };
}
