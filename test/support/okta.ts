import { builtinRegistry } from '../../src/providers/builtin.js';
import { OKTA_EVERYTHING, seedOktaOrg, seedOktaUser, type OktaDepartingUser, type OktaOrgSeed, type OktaPersonSecrets } from '../../src/sandbox/okta/seed.js';
import { startOktaSandbox, type OktaExchange, type OktaSandbox } from '../../src/sandbox/okta/server.js';
import { runCli, writeTemp } from './cli.js';
import { openApiChecker } from './openapi.js';
import { specCheckedSandboxes } from './after-each-test.js';

/** Okta's management and OAuth OpenAPI descriptions (the extract; see scripts/extract-okta-spec.mjs). */
export const oktaSpec = openApiChecker('okta-openapi.subset.json', {
  vendor: 'Okta',
  wideStatuses: [401, 403, 404, 429, 500],
  freeTextFormats: ['ISO 8601 compliant timestamp', 'SCIM Filter expression', 'Integer between 0 and 1000'],
});

export interface OktaWorld {
  sandbox: OktaSandbox;
  org: OktaOrgSeed;
  revoke(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; scratch: string; exchanges: OktaExchange[] }>;
}

/** Every exchange of every sandbox a test opened must match Okta's OpenAPI description (dropped connections, status 0, had no answer to check). */
const open = specCheckedSandboxes<OktaExchange, OktaSandbox>((e) => (e.status === 0 ? [] : oktaSpec.specViolations(e)));

export async function oktaWorld(options: Parameters<typeof startOktaSandbox>[0] = {}): Promise<OktaWorld> {
  const sandbox = await startOktaSandbox(options);
  open.push(sandbox);
  const org = seedOktaOrg(sandbox);
  return {
    sandbox,
    org,
    revoke: async (args, env = {}) => {
      const before = sandbox.exchanges.length;
      const result = await runCli(args, builtinRegistry(), { env: { OKTA_API_TOKEN: org.token, OKTA_ORG_URL: sandbox.url, ...env } });
      return { ...result, exchanges: sandbox.exchanges.slice(before) };
    },
  };
}

export function seedPerson(world: OktaWorld, login: string, spec: Omit<OktaDepartingUser, 'login'> = OKTA_EVERYTHING): OktaPersonSecrets {
  return seedOktaUser(world.sandbox, { login, ...spec });
}

/** A two-step runbook: contain (credentials and access), then the account in the step's mode. */
export function oktaRunbook(options: { mode?: 'disable' | 'delete'; provider?: string; step?: string; kinds?: string } = {}): string {
  return writeTemp(
    'okta.yaml',
    `version: 1
name: okta-test
providers:
  okta:
    type: okta${options.provider ?? ''}
protect:
  okta: [ceo@acme.test]
steps:
  - id: okta-offboard
    provider: okta
    user: "{{user}}"
    mode: ${options.mode ?? 'disable'}
    revoke: [${options.kinds ?? 'all'}]${options.step ?? ''}
`,
  );
}

type StepJson = { findings: Array<{ kind: string; id: string; outcome: string; details?: Record<string, unknown>; label: string }>; skippedKinds?: Array<{ kind: string; reason: string }> };

/** kind:outcome of every finding of a --json run, sorted. */
export function outcomes(stdout: string): string[] {
  const result = JSON.parse(stdout) as { steps: StepJson[] };
  return result.steps.flatMap((s) => s.findings.map((f) => `${f.kind}:${f.outcome}`)).sort();
}

export function stepsOf(stdout: string): StepJson[] {
  return (JSON.parse(stdout) as { steps: StepJson[] }).steps;
}
