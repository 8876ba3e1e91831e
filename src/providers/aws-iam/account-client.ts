import { AccountClient, type AccountClientConfig } from '@aws-sdk/client-account';

/**
 * The AWS Account client `revoke watch` lists the enabled regions with. A module of its own, like
 * cloudtrail-client.ts: the package is CommonJS, so it is imported statically here and this
 * module lazily.
 */
export function accountClient(config: AccountClientConfig): AccountClient {
  return new AccountClient(config);
}
