import { existsSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createStyle } from '../output/style.js';
import { describeVerified, verifySignedFile } from '../report/verify.js';
import { writeLine, type CliIO } from './io.js';
import { resolvePublicKey } from './public-key.js';

export async function verifyCommand(report: string, options: { key?: string; journalDir?: string; color: boolean; json?: boolean }, io: CliIO): Promise<number> {
  const publicKeyPem = resolvePublicKey(options.key, io, 'the signer (the .pub file made by `revoke keygen`, or the public key of your signing key)').pem;
  if (!existsSync(report)) throw new InvalidInputError(`cannot read ${report}: it does not exist`, 'pass a report (.intoto.json) or a plan written by revoke');
  const style = createStyle({ stream: io.stdout, env: io.env, colorFlag: options.color });
  const result = verifySignedFile(report, publicKeyPem, options.journalDir);
  const valid = result.valid && Boolean(result.statement || result.plan);
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ valid, checks: result.checks, ...(valid ? { verified: describeVerified(result) } : {}) }, null, 2));
    return valid ? ExitCode.Success : ExitCode.ActionFailed;
  }
  for (const check of result.checks) writeLine(io.stdout, `${check.ok ? style.green('✓') : style.red('✗')} ${check.name}: ${check.detail}`);
  if (result.valid && (result.statement || result.plan)) {
    writeLine(io.stdout, `valid: ${describeVerified(result)}`);
    return ExitCode.Success;
  }
  writeLine(io.stdout, style.red('INVALID: do not trust this file'));
  return ExitCode.ActionFailed;
}
