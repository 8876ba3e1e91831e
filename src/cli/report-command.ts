import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from '../report/dsse.js';
import { renderPredicate, signatureBanner, type SignatureStatus } from '../report/render-statement.js';
import { AUDIT_PREDICATE_TYPE, PREDICATE_TYPE, WATCH_PREDICATE_TYPE, type Statement } from '../report/statement.js';
import { verifyEnvelope } from '../report/verify.js';
import { readFileSync } from 'node:fs';
import { writeLine, type CliIO } from './io.js';
import { resolvePublicKey } from './public-key.js';

const SHOWN = [PREDICATE_TYPE, AUDIT_PREDICATE_TYPE, WATCH_PREDICATE_TYPE];

/**
 * Renders a run, audit or watch report. The signature is checked first (with --key, or this
 * machine's default public key) and the result is the first thing printed: a report that does not
 * verify is still shown, under a warning, and the exit code is 1.
 */
export async function reportShowCommand(report: string, options: { format: 'text' | 'md'; json?: boolean; key?: string }, io: CliIO): Promise<number> {
  let statement: Statement;
  try {
    const envelope = JSON.parse(readFileSync(report, 'utf8')) as DsseEnvelope;
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
  } catch {
    throw new InvalidInputError(`${report} is not a revoke report`, 'pass a .intoto.json file written by revoke');
  }
  if (!SHOWN.includes(statement.predicateType)) throw new InvalidInputError(`${report} has predicate type ${String(statement.predicateType)}, which report show does not render`, `pass a report of type ${SHOWN.join(', ')}`);
  const key = resolvePublicKey(options.key, io, 'whoever signed the report');
  const verification = verifyEnvelope(report, key.pem, IN_TOTO_PAYLOAD_TYPE);
  const signature: SignatureStatus = { valid: verification.valid, key: key.path, ...(verification.valid ? {} : { problem: firstProblem(verification.checks) }) };
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ signature, predicateType: statement.predicateType, predicate: statement.predicate }, null, 2));
  } else {
    writeLine(io.stdout, signatureBanner(signature, options.format));
    writeLine(io.stdout, renderPredicate(statement.predicateType, statement.predicate, options.format));
  }
  return signature.valid ? ExitCode.Success : ExitCode.ActionFailed;
}

function firstProblem(checks: Array<{ name: string; ok: boolean; detail: string }>): string {
  const failed = checks.find((c) => !c.ok);
  return failed ? `${failed.name}: ${failed.detail}` : 'unknown';
}
