import { createHash } from 'node:crypto';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../errors.js';

/** What revoke reads as a runbook at most: bigger or deeper input is refused with where and why. */
export const RUNBOOK_LIMITS = {
  /** Bytes of a runbook file (1 MiB); real runbooks are a few KiB. */
  maxBytes: 1024 * 1024,
  /** Nesting of mappings and lists. */
  maxDepth: 64,
  /** Alias expansions while reading (YAML "billion laughs" defence). */
  maxAliasCount: 100,
} as const;

export type PathSegment = string | number;
/** Point at a map entry's key ("unknown key") or at its value ("wrong type"). */
export type Target = 'key' | 'value';

/** A runbook's text, its parsed YAML document, and the way back from a path to line:col. */
export class RunbookSource {
  readonly sha256: string;
  readonly document: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.sha256 = createHash('sha256').update(text).digest('hex');
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  syntaxDiagnostics(): Diagnostic[] {
    const errors = this.document.errors.map((error) => {
      const pos = error.linePos?.[0] ?? this.position(error.pos[0]);
      // The parser recurses per level: a stack overflow is nesting no runbook needs.
      if (/call stack/i.test(error.message)) return { file: this.file, line: pos.line, col: pos.col, message: `nesting deeper than ${RUNBOOK_LIMITS.maxDepth} levels`, fix: tooDeepFix };
      return {
        file: this.file,
        line: pos.line,
        col: pos.col,
        message: `invalid YAML: ${firstLine(error.message)}`,
        fix: yamlFix(error.code, error.message),
      };
    });
    return errors.length > 0 ? errors : this.depthDiagnostics();
  }

  /** The document as plain data, or a located diagnostic when reading it would expand too many aliases. */
  toData(): { data: unknown } | { diagnostics: Diagnostic[] } {
    try {
      return { data: this.document.toJS({ maxAliasCount: RUNBOOK_LIMITS.maxAliasCount }) };
    } catch (error) {
      let at: Node | undefined;
      visit(this.document, { Alias: (_key, node) => ((at = node), visit.BREAK) });
      const { line, col } = at?.range ? this.position(at.range[0]) : { line: 1, col: 1 };
      return {
        diagnostics: [
          {
            file: this.file,
            line,
            col,
            message: `YAML aliases expand too much (${firstLine((error as Error).message)})`,
            fix: `write the values out, or use fewer aliases (at most ${RUNBOOK_LIMITS.maxAliasCount} expansions)`,
          },
        ],
      };
    }
  }

  /** Mappings and lists nested deeper than the limit (walked without recursion, so depth cannot overflow here). */
  private depthDiagnostics(): Diagnostic[] {
    const pending: Array<{ node: unknown; depth: number }> = [{ node: this.document.contents, depth: 0 }];
    while (pending.length > 0) {
      const { node, depth } = pending.pop()!;
      if (!isCollection(node)) continue;
      if (depth >= RUNBOOK_LIMITS.maxDepth) {
        const { line, col } = node.range ? this.position(node.range[0]) : { line: 1, col: 1 };
        return [{ file: this.file, line, col, message: `nesting deeper than ${RUNBOOK_LIMITS.maxDepth} levels`, fix: tooDeepFix }];
      }
      for (const item of node.items) {
        if (isPair(item)) pending.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
        else if (!isAlias(item)) pending.push({ node: item, depth: depth + 1 });
      }
    }
    return [];
  }

  /**
   * Where `path` is in the source; for a path that does not exist, where its nearest parent is.
   * `offsetInValue` points inside a string scalar (e.g. at a template expression).
   */
  locate(path: readonly PathSegment[], target: Target = 'value', offsetInValue?: number): { line: number; col: number } {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        keyNode = undefined;
        node = node.items[segment];
      } else {
        break;
      }
    }
    if (target === 'key' && keyNode) return this.position((keyNode as Node).range![0]);
    const range = (node as Node | null | undefined)?.range ?? (keyNode as Node | undefined)?.range;
    if (!range) return { line: 1, col: 1 };
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    return this.position(range[0] + (offsetInValue === undefined ? 0 : offsetInValue + (quoted ? 1 : 0)));
  }

  diagnostic(path: readonly PathSegment[], message: string, fix?: string, target: Target = 'value', offset?: number): Diagnostic {
    const { line, col } = this.locate(path, target, offset);
    return fix === undefined ? { file: this.file, line, col, message } : { file: this.file, line, col, message, fix };
  }

  private position(offset: number): { line: number; col: number } {
    return this.lines.linePos(offset);
  }
}

const tooDeepFix = 'a runbook needs a few levels (steps, a step, its keys); flatten the structure';

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlFix(code: string, message: string): string {
  if (/tab/i.test(message)) return 'indent with spaces, not tabs';
  if (/quote/i.test(message)) return 'close the quoted string with the same quote character it starts with';
  if (/end with a \]/.test(message)) return 'close the list with "]" (or write one "- item" per line)';
  if (/end with a \}/.test(message)) return 'close the mapping with "}"';
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'remove or rename one of the two keys';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and that every "key: value" pair has its colon';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line; quote values that contain ": "';
    case 'UNEXPECTED_TOKEN':
      return 'quote values that start with special characters such as {, [, *, & or @';
    default:
      return 'fix the YAML syntax at this position (a YAML linter shows the same place)';
  }
}
