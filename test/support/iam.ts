import { builtinRegistry } from '../../src/providers/builtin.js';
import { sandboxEnvironment, sandboxIamClient, seedUser, type DepartingUserSpec } from '../../src/sandbox/iam/seed.js';
import { startIamSandbox, type IamSandbox, type LoggedRequest } from '../../src/sandbox/iam/server.js';
import { runCli, writeTemp } from './cli.js';

/** The environment a CLI run against the sandbox gets: the operator's keys and the endpoints. */
export function sandboxEnv(sandbox: IamSandbox, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...sandboxEnvironment(sandbox), ...extra };
}

export interface IamWorld {
  sandbox: IamSandbox;
  /** Runs the CLI in-process against the sandbox; returns output and the requests it made. */
  revoke(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; requests: LoggedRequest[] }>;
  seed(user: string, spec?: DepartingUserSpec): Promise<void>;
}

export async function iamWorld(options: Parameters<typeof startIamSandbox>[0] = {}): Promise<IamWorld> {
  const sandbox = await startIamSandbox(options);
  return {
    sandbox,
    seed: async (user, spec) => {
      const faults = { ...sandbox.faults };
      Object.assign(sandbox.faults, { latencyMs: 0, throttleRate: 0, failureRate: 0, conflictRate: 0 });
      await seedUser(sandboxIamClient(sandbox), user, spec);
      Object.assign(sandbox.faults, faults);
    },
    revoke: async (args, extraEnv = {}) => {
      const before = sandbox.requests.length;
      const result = await runCli(args, builtinRegistry(), { env: sandboxEnv(sandbox, extraEnv) });
      return { ...result, requests: sandbox.requests.slice(before) };
    },
  };
}

export function runbookFile(body: string): string {
  return writeTemp('runbook.yaml', body);
}
