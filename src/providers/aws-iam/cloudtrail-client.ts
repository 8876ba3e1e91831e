import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';

/**
 * The CloudTrail client `revoke watch` reads with. A module of its own so that code needing it
 * imports this lazily: a dynamic `import('@aws-sdk/client-cloudtrail')` in the bundle yields only
 * a default export (the package is CommonJS) and broke `watch` in the shipped binary.
 */
export function cloudTrailClient(config: CloudTrailClientConfig): CloudTrailClient {
  return new CloudTrailClient(config);
}
