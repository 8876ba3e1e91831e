import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import { signDigest } from './ecdsa-prehashed.js';
import { listenOnLoopback } from '../listen.js';

export interface KmsSandbox {
  endpoint: string;
  /** Creates an ECC_NIST_P256 SIGN_VERIFY key; returns its id. */
  createSigningKey(alias?: string): string;
  /** Every request's target (TrentService.Sign, ...), in order. */
  requests: Array<{ target: string; keyId?: string; messageType?: string }>;
  close(): Promise<void>;
}

/**
 * An AWS KMS stand-in on 127.0.0.1 speaking the JSON 1.1 protocol the SDK uses, for the calls
 * revoke's KMS signer makes: GetPublicKey and Sign (ECDSA_SHA_256 over a DIGEST).
 */
export async function startKmsSandbox(options: { port?: number } = {}): Promise<KmsSandbox> {
  const keys = new Map<string, KeyObject>();
  const aliases = new Map<string, string>();
  const requests: KmsSandbox['requests'] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle();
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'KMSInternalException', message: String(error) }));
      }
    });
    const handle = () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
      requests.push({ target, keyId: body.KeyId, messageType: body.MessageType });
      const reply = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const keyId = aliases.get(body.KeyId ?? '') ?? body.KeyId ?? '';
      const key = keys.get(keyId);
      if (!key) return reply(400, { __type: 'NotFoundException', message: `Key '${body.KeyId}' does not exist` });
      if (target === 'TrentService.GetPublicKey') {
        const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
        return reply(200, { KeyId: keyArn(keyId), PublicKey: spki.toString('base64'), KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ECDSA_SHA_256'] });
      }
      if (target === 'TrentService.Sign') {
        const message = Buffer.from(body.Message ?? '', 'base64');
        if (body.SigningAlgorithm !== 'ECDSA_SHA_256') return reply(400, { __type: 'InvalidKeyUsageException', message: 'Unsupported signing algorithm' });
        if (body.MessageType !== 'DIGEST' || message.length !== 32) return reply(400, { __type: 'ValidationException', message: 'This stand-in signs 32-byte DIGEST messages only' });
        return reply(200, { KeyId: keyArn(keyId), Signature: signDigest(key, message).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' });
      }
      return reply(400, { __type: 'UnknownOperationException', message: `unsupported ${target}` });
    };
  });
  const { port, close } = await listenOnLoopback(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    createSigningKey(alias) {
      const id = randomUUID();
      keys.set(id, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
      if (alias) aliases.set(alias, id);
      return id;
    },
    close,
  };
}

const keyArn = (id: string) => `arn:aws:kms:us-east-1:123456789012:key/${id}`;
