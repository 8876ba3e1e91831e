/** The local, wire-compatible endpoints `revoke demo`, the tests and the benchmarks run against. */
export { startIamSandbox, type IamSandbox, type LoggedRequest, type SandboxFaults } from './iam/server.js';
export { startGitHubSandbox, type GitHubSandbox } from './github/server.js';
export { githubSandboxEnvironment, seedGitHubUser, seedOrg } from './github/seed.js';
export { FULL_USER, sandboxEnvironment, sandboxIamClient, seedUser, type DepartingUserSpec } from './iam/seed.js';
export { startOktaSandbox, type OktaSandbox } from './okta/server.js';
export { OKTA_EVERYTHING, oktaSandboxEnvironment, seedOktaOrg, seedOktaUser, type OktaDepartingUser } from './okta/seed.js';
