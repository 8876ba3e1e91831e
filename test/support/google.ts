import { chmodSync } from 'node:fs';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { googleSandboxEnvironment, seedGoogleCustomer, seedGoogleUser, type GoogleDepartingUser, type PersonCredentials } from '../../src/sandbox/google/seed.js';
import { startGoogleSandbox, type GoogleExchange, type GoogleSandbox } from '../../src/sandbox/google/server.js';
import { runCli, writeTemp } from './cli.js';
import { discoveryViolations } from './google-discovery.js';
import { specCheckedSandboxes } from './after-each-test.js';

export const DOMAIN = 'acme.example';
export const ADMIN = 'it-admin@acme.example';

/** A departing person with one of everything the provider takes away. */
export const EVERYTHING: Omit<GoogleDepartingUser, 'email'> = {
  lastLoginMinutesAgo: 30,
  oauthApps: [
    { clientId: '1234567890-slack.apps.googleusercontent.com', name: 'Slack', scopes: ['https://www.googleapis.com/auth/calendar.readonly'] },
    { clientId: '98765-ci.apps.googleusercontent.com', name: 'Release deploy bot', scopes: ['https://www.googleapis.com/auth/drive'] },
  ],
  appPasswords: [{ name: 'Thunderbird', lastUsedMinutesAgo: 90 }],
  backupCodes: 10,
  devices: [{ model: 'Pixel 8', os: 'Android 15' }],
  groups: { 'eng@acme.example': 'MEMBER', 'oncall@acme.example': 'OWNER' },
  adminRoles: ['_HELP_DESK_ADMIN_ROLE'],
  driveUsedMb: 512,
};

export interface GoogleWorld {
  sandbox: GoogleSandbox;
  keyFile: string;
  key: string;
  revoke(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; scratch: string; exchanges: GoogleExchange[] }>;
  /** The scratch folder (reports under reports/) of the last revoke() call. */
  lastScratch(): string;
}

/** Every Admin SDK exchange of every sandbox a test opened must match Google's discovery documents. */
const open = specCheckedSandboxes<GoogleExchange, GoogleSandbox>(discoveryViolations);

export async function googleWorld(options: Parameters<typeof startGoogleSandbox>[0] & { delegatedScopes?: string[] } = {}): Promise<GoogleWorld> {
  const sandbox = await startGoogleSandbox(options);
  open.push(sandbox);
  const key = seedGoogleCustomer(sandbox, { domain: DOMAIN, admin: ADMIN, otherDomains: ['acme-labs.example'], ...(options.delegatedScopes ? { delegatedScopes: options.delegatedScopes } : {}) });
  seedGoogleUser(sandbox, { email: 'manager@acme.example', lastLoginMinutesAgo: 60 });
  const keyFile = writeTemp('service-account.json', key);
  chmodSync(keyFile, 0o600);
  let scratch = '';
  return {
    sandbox,
    keyFile,
    key,
    revoke: async (args, env = {}) => {
      const before = sandbox.exchanges.length;
      const result = await runCli(args, builtinRegistry(), { env: { ...googleSandboxEnvironment(sandbox), ...env } });
      scratch = result.scratch;
      return { ...result, exchanges: sandbox.exchanges.slice(before) };
    },
    lastScratch: () => scratch,
  };
}

export function seedPerson(world: GoogleWorld, email: string, spec: Omit<GoogleDepartingUser, 'email'> = EVERYTHING): PersonCredentials {
  return seedGoogleUser(world.sandbox, { email, ...spec });
}

/** A runbook with a contain step (disable) and, when asked, a delete step after it. */
export function googleRunbook(world: GoogleWorld, options: { provider?: string; contain?: string; remove?: string | false; protect?: string[]; edit?: (text: string) => string } = {}): string {
  const remove =
    options.remove === false
      ? ''
      : `
  - id: google-remove
    provider: google
    user: "{{user}}"
    mode: delete
    revoke: [all]${options.remove ?? '\n    transferTo: manager@acme.example'}
    dependsOn: [google-contain]`;
  const edit = options.edit ?? ((text: string) => text);
  return writeTemp(
    'google.yaml',
    edit(`version: 1
name: google-test
providers:
  google:
    type: google-workspace
    domain: ${DOMAIN}
    domains: [acme-labs.example]
    subject: ${ADMIN}
    keyFile: ${world.keyFile}
    writeIntervalMs: 0
    retryDelayMs: 5
    transferPollMs: 5${options.provider ?? ''}
protect:
  google: [${(options.protect ?? ['ceo@acme.example']).join(', ')}]
steps:
  - id: google-contain
    provider: google
    user: "{{user}}"
    mode: disable
    revoke: [sessions, oauth-tokens, app-passwords, backup-codes, password, suspend]${options.contain ?? ''}${remove}
`),
  );
}

/** Asks the sandbox, as the person would, whether a credential still signs in. */
export async function personCanSignIn(world: GoogleWorld, credential: { bearer?: string; cookie?: string; basic?: string }): Promise<boolean> {
  const headers: Record<string, string> = {};
  if (credential.bearer) headers.authorization = `Bearer ${credential.bearer}`;
  if (credential.basic) headers.authorization = `Basic ${Buffer.from(credential.basic).toString('base64')}`;
  if (credential.cookie) headers.cookie = `SID=${credential.cookie}`;
  const response = await fetch(new URL('/oauth2/v3/userinfo', world.sandbox.url), { headers });
  return response.status === 200;
}
