import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from '../report/dsse.js';
import { renderPredicate, signatureBanner, type SignatureStatus } from '../report/render-statement.js';
import { AUDIT_PREDICATE_TYPE, DRILL_PREDICATE_TYPE, PREDICATE_TYPE, SECRET_PREDICATE_TYPE, WATCH_PREDICATE_TYPE, type Statement } from '../report/statement.js';
import { verifyEnvelope } from '../report/verify.js';
import { RESTORE_PREDICATE_TYPE } from '../restore/predicate.js';
import { existsSync, readFileSync } from 'node:fs';
import { defaultKeyPaths } from '../report/signer.js';
import { writeLine, type CliIO } from './io.js';
import { resolvePublicKey } from './public-key.js';

const SHOWN = [PREDICATE_TYPE, AUDIT_PREDICATE_TYPE, WATCH_PREDICATE_TYPE, SECRET_PREDICATE_TYPE, DRILL_PREDICATE_TYPE];
/** Rendered by src/restore/render.ts, loaded only for a restore report. */
const SHOWN_RESTORE = RESTORE_PREDICATE_TYPE;

/**
 * Renders a run, audit or watch report. The signature is checked first (with --key, or this
 * machine's default public key) and the result is the first thing printed: a report that does not
 * verify is still shown, under a warning, and the exit code is 1; one with no key to check it
 * with is shown under a banner saying so (exit 0).
 */
export async function reportShowCommand(report: string, options: { format: 'text' | 'md'; json?: boolean; key?: string }, io: CliIO): Promise<number> {
  let statement: Statement;
  try {
    const envelope = JSON.parse(readFileSync(report, 'utf8')) as DsseEnvelope;
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
  } catch {
    throw new InvalidInputError(`${report} is not a revoke report`, 'pass a .intoto.json file written by revoke');
  }
  if (!SHOWN.includes(statement.predicateType) && (statement.predicateType as string) !== SHOWN_RESTORE) throw new InvalidInputError(`${report} has predicate type ${String(statement.predicateType)}, which report show does not render`, `pass a report of type ${[...SHOWN, SHOWN_RESTORE].join(', ')}`);
  const signature = checkSignature(report, options.key, io);
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ signature, predicateType: statement.predicateType, predicate: statement.predicate }, null, 2));
  } else {
    writeLine(io.stdout, signatureBanner(signature, options.format));
    if ((statement.predicateType as string) === SHOWN_RESTORE) {
      const { renderRestorePredicate } = await import('../restore/render.js');
      writeLine(io.stdout, renderRestorePredicate(statement.predicate as never, options.format));
    } else writeLine(io.stdout, renderPredicate(statement.predicateType, statement.predicate, options.format));
  }
  return signature.valid || signature.unchecked ? ExitCode.Success : ExitCode.ActionFailed;
}

/**
 * With --key or this machine's default public key, the verdict. A report someone sent you, on a
 * machine with no key of its own, is still shown: under a banner saying it was not checked.
 */
function checkSignature(report: string, keyOption: string | undefined, io: CliIO): SignatureStatus {
  const { pub } = defaultKeyPaths(io.env);
  if (keyOption === undefined && !existsSync(pub)) {
    return { valid: false, key: '', unchecked: `no --key given and no default public key on this machine (${pub}); pass --key <pub.pem> of whoever signed it` };
  }
  const key = resolvePublicKey(keyOption, io, 'whoever signed the report');
  const verification = verifyEnvelope(report, key.pem, IN_TOTO_PAYLOAD_TYPE);
  return { valid: verification.valid, key: key.path, ...(verification.valid ? {} : { problem: firstProblem(verification.checks) }) };
}

function firstProblem(checks: Array<{ name: string; ok: boolean; detail: string }>): string {
  const failed = checks.find((c) => !c.ok);
  return failed ? `${failed.name}: ${failed.detail}` : 'unknown';
}
