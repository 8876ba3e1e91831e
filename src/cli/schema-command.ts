import { ExitCode } from '../exit-codes.js';
import { runbookJsonSchema } from '../runbook/schema.js';
import { writeLine, type CliIO } from './io.js';

export async function schemaCommand(_options: unknown, io: CliIO): Promise<number> {
  writeLine(io.stdout, JSON.stringify(runbookJsonSchema(await io.registry()), null, 2));
  return ExitCode.Success;
}
