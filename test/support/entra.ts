import { request } from 'node:https';
import { ALL_METHOD_TYPES, entraSandboxEnvironment, seedEntraTenant, seedEntraUser, type DepartingEntraUser, type EntraOperator } from '../../src/sandbox/entra/seed.js';
import { startEntraSandbox, type EntraExchange, type EntraSandbox } from '../../src/sandbox/entra/server.js';
import { writeTemp } from './cli.js';
import { graphSpecViolations } from './msgraph-spec.js';
import { runBin, type SpawnResult } from './spawn.js';
import { specCheckedSandboxes } from './after-each-test.js';

export const EVERYTHING: Omit<DepartingEntraUser, 'upn'> = {
  methods: ALL_METHOD_TYPES,
  groups: ['engineering', { name: 'all-engineers', dynamic: true }, { name: 'vpn-users', synced: true }],
  roles: ['fe930be7-5e62-47db-91af-98c3a49a38b1'],
  appRoles: ['Salesforce'],
  consents: [{ scope: 'Mail.Read offline_access' }],
  devices: [{ name: 'JANE-LAPTOP' }, { name: 'JANE-PHONE', registered: true }],
};

export interface EntraWorld {
  sandbox: EntraSandbox;
  operator: EntraOperator;
  /** Environment that points the real binary at the sandbox (trusting its TLS certificate). */
  env: NodeJS.ProcessEnv;
  revoke(args: string[], env?: NodeJS.ProcessEnv): Promise<SpawnResult & { exchanges: EntraExchange[] }>;
}

/** Every Graph exchange of every sandbox a test opened must match Microsoft Graph's v1.0 description. */
const open = specCheckedSandboxes<EntraExchange, EntraSandbox>(graphSpecViolations);

/** A sandbox tenant with the operator app; the CLI runs as the built binary (`npm run build` first). */
export async function entraWorld(options: Parameters<typeof startEntraSandbox>[0] & { roles?: string[]; admins?: string[] } = {}): Promise<EntraWorld> {
  const sandbox = await startEntraSandbox(options);
  open.push(sandbox);
  const operator = seedEntraTenant(sandbox, { ...(options.roles ? { roles: options.roles } : {}), ...(options.admins ? { admins: options.admins } : {}) });
  const env = entraSandboxEnvironment(sandbox, operator);
  return {
    sandbox,
    operator,
    env,
    revoke: async (args, extra = {}) => {
      const before = sandbox.exchanges.length;
      const result = await runBin(args, { env: { ...env, ...extra } });
      return { ...result, exchanges: sandbox.exchanges.slice(before) };
    },
  };
}

export function seedUser(world: EntraWorld, upn: string, spec: Omit<DepartingEntraUser, 'upn'> = EVERYTHING) {
  return seedEntraUser(world.sandbox, { upn, ...spec });
}

/** What the person's app does with its refresh token: ask the token endpoint for a new access token. */
export function redeemRefreshToken(sandbox: EntraSandbox, refreshToken: string): Promise<{ status: number; body: { error?: string; error_codes?: number[]; access_token?: string } }> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'outlook-mobile', refresh_token: refreshToken, scope: 'https://graph.microsoft.com/.default' }).toString();
  return new Promise((resolve, reject) => {
    const req = request(`${sandbox.url}/${sandbox.state.tenantId}/oauth2/v2.0/token`, { method: 'POST', ca: sandbox.caCertificate, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

export function entraRunbook(options: { mode?: 'disable' | 'delete'; revoke?: string; provider?: string; step?: string; protect?: string[] } = {}): string {
  return writeTemp(
    'entra.yaml',
    `version: 1
name: entra-test
providers:
  entra:
    type: entra-id${options.provider ?? ''}
${options.protect ? `protect:\n  entra: [${options.protect.join(', ')}]\n` : ''}steps:
  - id: entra-offboard
    provider: entra
    user: "{{user}}"
    mode: ${options.mode ?? 'disable'}
    revoke: [${options.revoke ?? 'all'}]${options.step ?? ''}
`,
  );
}

export const findingsOf = (stdout: string) =>
  (JSON.parse(stdout) as { steps: Array<{ findings: Array<{ kind: string; outcome: string; id: string; details?: Record<string, unknown> }> }> }).steps.flatMap((s) => s.findings);
