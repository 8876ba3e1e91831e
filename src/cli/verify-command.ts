import { existsSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createStyle } from '../output/style.js';
import { describeVerified, readPublicKeyFile, verifySignedFile } from '../report/verify.js';
import { writeLine, type CliIO } from './io.js';

export async function verifyCommand(report: string, options: { key: string; journalDir?: string; color: boolean }, io: CliIO): Promise<number> {
  const publicKeyPem = readPublicKeyFile(options.key, 'the signer (the .pub file made by `revoke keygen`, or the public key of your signing key)');
  if (!existsSync(report)) throw new InvalidInputError(`cannot read ${report}: it does not exist`, 'pass a report (.intoto.json) or a plan written by revoke');
  const style = createStyle({ stream: io.stdout, env: io.env, colorFlag: options.color });
  const result = verifySignedFile(report, publicKeyPem, options.journalDir);
  for (const check of result.checks) writeLine(io.stdout, `${check.ok ? style.green('✓') : style.red('✗')} ${check.name}: ${check.detail}`);
  if (result.valid && (result.statement || result.plan)) {
    writeLine(io.stdout, `valid: ${describeVerified(result)}`);
    return ExitCode.Success;
  }
  writeLine(io.stdout, style.red('INVALID: do not trust this file'));
  return ExitCode.ActionFailed;
}
