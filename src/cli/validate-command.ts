import { formatDiagnostic, RevokeError, type Diagnostic } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { readRunbookSource } from '../runbook/load.js';
import { validateRunbook } from '../runbook/validate.js';
import { writeLine, type CliIO } from './io.js';

interface ValidateOptions {
  json?: boolean;
}

export async function validateCommand(files: string[], options: ValidateOptions, io: CliIO): Promise<number> {
  const registry = await io.registry();
  const results: Array<{ file: string; valid: boolean; steps?: number; diagnostics: Diagnostic[] }> = [];
  for (const file of files) {
    try {
      const result = validateRunbook(await readRunbookSource(file), registry);
      results.push(result.runbook ? { file, valid: true, steps: result.runbook.steps.length, diagnostics: [] } : { file, valid: false, diagnostics: result.diagnostics });
    } catch (error) {
      if (!(error instanceof RevokeError)) throw error;
      results.push({ file, valid: false, diagnostics: [{ file, line: 0, col: 0, message: error.message, ...(error.fix ? { fix: error.fix } : {}) }] });
    }
  }
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ valid: results.every((r) => r.valid), runbooks: results }, null, 2));
  } else {
    for (const result of results) {
      if (result.valid) writeLine(io.stdout, `${result.file}: ok (${result.steps} step${result.steps === 1 ? "" : "s"})`);
      else for (const d of result.diagnostics) writeLine(io.stderr, d.line > 0 ? formatDiagnostic(d) : `${d.file}: error: ${d.message}${d.fix ? `\n  fix: ${d.fix}` : ''}`);
    }
    const invalid = results.filter((r) => !r.valid).length;
    if (invalid > 0) writeLine(io.stderr, `${invalid} of ${results.length} runbook${results.length === 1 ? '' : 's'} invalid; nothing was run`);
  }
  return results.every((r) => r.valid) ? ExitCode.Success : ExitCode.InvalidInput;
}
