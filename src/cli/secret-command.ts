import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { loadRunbook } from '../runbook/load.js';
import { parseSecretsInput, readSecretsInput } from '../secret/input.js';
import { secretStatement } from '../secret/recorded-secret.js';
import { secretText } from '../secret/render.js';
import { runSecrets, type SecretInput, type SecretResult } from '../secret/run-secret.js';
import { reportLine, resolveSigner, runRecordedCommand } from '../session/recorded-command.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { isInteractive, writeLine, type CliIO } from './io.js';

export interface SecretCommandOptions {
  from: string;
  runbook?: string;
  dryRun?: boolean;
  yes?: boolean;
  delete?: boolean;
  cutSessions?: boolean;
  identify?: boolean;
  json?: boolean;
  report: string;
  signKey?: string;
}

export async function secretCommand(options: SecretCommandOptions, io: CliIO): Promise<number> {
  const interactive = isInteractive(io) && !options.json;
  if (!options.dryRun && !options.yes && !interactive) {
    throw new InvalidInputError('a real run needs confirmation, and there is no terminal to ask on (or CI is set)', 'pass --yes to confirm non-interactively, or --dry-run to only identify the secrets');
  }
  const registry = await io.registry();
  const runbook = options.runbook ? await loadRunbook(options.runbook, registry) : undefined;
  if (options.from === '-' && io.stdin.isTTY) throw new InvalidInputError('--from - reads the secrets from stdin, but stdin is a terminal', 'pipe them in: revoke secret --from - < leaked.txt');
  const source = options.from === '-' ? 'stdin' : options.from;
  const text = await readSecretsInput(options.from, io.stdin);
  const secrets = parseSecretsInput(text, source);
  if (secrets.length === 0) throw new InvalidInputError(`${source} holds no secret`, 'pass one secret per line, a gitleaks JSON report or trufflehog JSON lines');
  const signer = await resolveSigner(options.signKey, io);
  const input: SecretInput = { secrets, source, text, runbook, startedAt: new Date().toISOString() };
  const human = options.json ? io.stderr : io.stdout;

  const { result, report } = await runRecordedCommand<SecretResult>({
    io,
    subject: 'secret',
    reportDir: options.report,
    signer,
    body: (session) =>
      runSecrets(input, registry, session, {
        dryRun: options.dryRun === true,
        delete: options.delete === true,
        cutSessions: options.cutSessions === true,
        identify: options.identify === true,
        env: io.env,
        confirm: async (planned) => {
          if (options.yes) return true;
          writeLine(io.stderr, secretText(planned, {}, true).replace(/\n[^\n]*$/, ''));
          const { confirm } = await import('@inquirer/prompts');
          return confirm({ message: `Revoke ${planned.filter((p) => p.status === 'would-revoke').length} secret(s) now?`, default: false }, { input: io.stdin, output: io.stderr }).catch(() => false);
        },
      }),
    statement: (ending, journal, runId) => secretStatement(input, ending, journal, runId),
  });

  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ tool: { name: TOOL_NAME, version: toolVersion() }, runId: result.runId, dryRun: result.dryRun, secrets: result.entries, totals: result.totals, calls: result.calls, exitCode: result.exitCode, report: report?.path }, null, 2));
  }
  writeLine(human, secretText(result.entries, result.totals, result.dryRun));
  if (report) writeLine(io.stderr, reportLine('Report', report));
  return result.interrupted ? ExitCode.Interrupted : result.exitCode;
}
