import { everyProviderRunbook } from '../../bench/support/every-provider-runbook.mjs';
import { googleSandboxEnvironment } from '../../src/sandbox/google/seed.js';
import { writeTemp } from './cli.js';
import { entraWorld, seedUser as seedEntraPerson, type EntraWorld } from './entra.js';
import { googleWorld, personCanSignIn, seedPerson as seedGooglePerson, type GoogleWorld } from './google.js';
import { oktaWorld, seedPerson as seedOktaPerson, type OktaWorld } from './okta.js';
import type { ThreeProviders } from './worlds.js';

/**
 * Every provider at once, as one offboarding meets them: the shipped demo runbook (Google,
 * GitHub, AWS, PostgreSQL) with the shipped Okta and Entra runbooks' providers and steps beside
 * it, against all six local endpoints (each identity provider's exchanges checked against its
 * vendor's description by its world). For runs of the built binary (`runBin` with `env`).
 */
export interface EveryProvider {
  three: ThreeProviders;
  google: GoogleWorld;
  okta: OktaWorld;
  entra: EntraWorld;
  runbook: string;
  env: NodeJS.ProcessEnv;
  /** Gives `user` access everywhere: see each world's seed. */
  seed(user: string): Promise<void>;
  /** What `user` can still do or still has, per system: all false once a run took everything. */
  remaining(user: string): Promise<Record<string, boolean>>;
  /** Each request to an HTTP endpoint waits a random 0 to `ms` before it is processed (0: none). */
  setJitter(ms: number): void;
}

const OKTA_DOMAIN = 'acme.test';

/**
 * `three` (IAM, GitHub, PostgreSQL: its cluster is the slow part to start) may be shared by the
 * tests of a file, its owner stops it; the identity providers' sandboxes are the test's own and
 * close after it, their exchanges checked against the vendors' descriptions.
 */
export async function everyProvider(three: ThreeProviders): Promise<EveryProvider> {
  const [google, okta, entra] = await Promise.all([googleWorld(), oktaWorld(), entraWorld()]);
  const runbook = combinedRunbook(entra.sandbox.state.domain);
  const cookies = new Map<string, string>();
  return {
    three,
    google,
    okta,
    entra,
    runbook,
    env: {
      ...three.env,
      ...googleSandboxEnvironment(google.sandbox),
      GOOGLE_WORKSPACE_KEY: google.key,
      OKTA_API_TOKEN: okta.org.token,
      OKTA_ORG_URL: okta.sandbox.url,
      ...entra.env,
    },
    async seed(user) {
      await three.seed(user);
      cookies.set(user, seedGooglePerson(google, `${user}@acme.example`).sessionCookie);
      seedOktaPerson(okta, `${user}@${OKTA_DOMAIN}`);
      seedEntraPerson(entra, `${user}@${entra.sandbox.state.domain}`);
    },
    async remaining(user) {
      const left = await three.remaining(user);
      return {
        iamUser: left.iamUser,
        githubMember: left.githubMember,
        postgresRole: left.postgresRole,
        postgresSession: left.postgresSessions > 0,
        googleSession: await personCanSignIn(google, { cookie: cookies.get(user)! }),
        googleActive: google.sandbox.state.user(`${user}@acme.example`)?.suspended === false,
        oktaUser: okta.sandbox.state.user(`${user}@${OKTA_DOMAIN}`) !== undefined,
        entraUser: entra.sandbox.state.user(`${user}@${entra.sandbox.state.domain}`) !== undefined,
      };
    },
    setJitter(ms) {
      for (const faults of [three.iam.faults, three.github.faults, google.sandbox.faults, okta.sandbox.faults, entra.sandbox.faults]) faults.jitterMs = ms;
    },
  };
}

/** The every-provider runbook, as `bench:exposure` runs it (bench/support/every-provider-runbook.mjs). */
function combinedRunbook(entraDomain: string): string {
  return writeTemp('every-provider.yaml', everyProviderRunbook({ name: 'every-provider', oktaDomain: OKTA_DOMAIN, entraDomain }));
}
