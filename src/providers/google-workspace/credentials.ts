import { readOwnerOnlyFile } from '../owner-only-file.js';
import { InvalidInputError } from '../../errors.js';
import type { GoogleConfig } from './config.js';

export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  client_id?: string;
}

/**
 * The service account key from keyFile (refused when others can read it) or keyEnv, or undefined
 * for Application Default Credentials. The key itself never appears in a message.
 */
export function serviceAccountKey(config: GoogleConfig, env: NodeJS.ProcessEnv, instance: string): ServiceAccountKey | undefined {
  let text: string;
  let where: string;
  if (config.keyFile) {
    where = `key file ${config.keyFile}`;
    text = readOwnerOnlyFile(config.keyFile, {
      missing: `service account key file ${config.keyFile} of provider ${instance} does not exist`,
      missingFix: 'check keyFile: (a JSON key downloaded for the service account)',
      readable: `service account key file ${config.keyFile} can be read by others; refusing to use it`,
    });
  } else if (config.keyEnv) {
    where = `environment variable ${config.keyEnv}`;
    const value = env[config.keyEnv];
    if (!value) throw new InvalidInputError(`${config.keyEnv} is not set (service account key of provider ${instance})`, `export ${config.keyEnv}="$(cat service-account.json)"`);
    text = value;
  } else {
    return undefined;
  }
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw new InvalidInputError(`the service account key in ${where} (provider ${instance}) is not JSON`, 'use the JSON key file Google Cloud console creates for the service account');
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string' || !key.private_key.includes('PRIVATE KEY')) {
    throw new InvalidInputError(`the service account key in ${where} (provider ${instance}) lacks client_email or private_key`, 'use the JSON key file Google Cloud console creates for the service account');
  }
  return key as ServiceAccountKey;
}
