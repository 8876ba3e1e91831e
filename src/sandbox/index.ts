/** The local, wire-compatible endpoints `revoke demo`, the tests and the benchmarks run against. */
export { startIamSandbox, type IamSandbox, type LoggedRequest, type SandboxFaults } from './iam/server.js';
export { startGitHubSandbox, type GitHubSandbox } from './github/server.js';
export { githubSandboxEnvironment, seedGitHubUser, seedOrg } from './github/seed.js';
export { FULL_USER, sandboxEnvironment, sandboxIamClient, seedUser, type DepartingUserSpec } from './iam/seed.js';
export { startGoogleSandbox, type GoogleSandbox, type GoogleExchange } from './google/server.js';
export { googleSandboxEnvironment, seedGoogleCustomer, seedGoogleUser, type GoogleDepartingUser, type PersonCredentials } from './google/seed.js';
export { startEntraSandbox, type EntraSandbox } from './entra/server.js';
export { entraSandboxEnvironment, seedEntraTenant, seedEntraUser } from './entra/seed.js';
export { startOktaSandbox, type OktaSandbox } from './okta/server.js';
export { OKTA_EVERYTHING, oktaSandboxEnvironment, seedOktaOrg, seedOktaUser, type OktaDepartingUser } from './okta/seed.js';
export { startPostgres, type PostgresServer } from './postgres/cluster.js';
export { seedDepartingRole, type SeededDatabase } from './postgres/seed.js';
export { startSlackSandbox, type SlackSandbox } from './slack/server.js';
