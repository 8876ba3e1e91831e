import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { DsseEnvelope } from '../report/dsse.js';
import { renderReport } from '../report/render.js';
import { PREDICATE_TYPE, type Statement } from '../report/statement.js';
import { writeLine, type CliIO } from './io.js';

export async function reportShowCommand(report: string, options: { format: 'text' | 'md' }, io: CliIO): Promise<number> {
  let statement: Statement;
  try {
    const envelope = JSON.parse(readFileSync(report, 'utf8')) as DsseEnvelope;
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
  } catch {
    throw new InvalidInputError(`${report} is not a revoke report`, 'pass a .intoto.json file written by revoke');
  }
  if (statement.predicateType !== PREDICATE_TYPE) throw new InvalidInputError(`${report} has predicate type ${statement.predicateType}, not ${PREDICATE_TYPE}`);
  writeLine(io.stdout, renderReport(statement.predicate, options.format));
  return ExitCode.Success;
}
