import { awsIamProvider } from './aws-iam/index.js';
import { entraIdProvider } from './entra-id/index.js';
import { githubProvider } from './github/index.js';
import { googleWorkspaceProvider } from './google-workspace/index.js';
import { oktaProvider } from './okta/index.js';
import { postgresProvider } from './postgres/index.js';
import { ProviderRegistry } from './registry.js';

/** The provider types that ship with revoke. Importing them is cheap: SDKs load in connect(). */
export function builtinRegistry(): ProviderRegistry {
  return new ProviderRegistry([awsIamProvider, githubProvider, postgresProvider, googleWorkspaceProvider, oktaProvider, entraIdProvider]);
}
