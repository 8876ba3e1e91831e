/**
 * Templates: `{{user}}` is the CLI argument, `{{vars.name}}` a runbook variable.
 * Nothing else is allowed, so a typo is an error at validation time rather than at run time.
 */

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; ref: TemplateRef; offset: number };

export type TemplateRef = { scope: 'user' } | { scope: 'vars'; name: string };

export interface TemplateProblem {
  offset: number;
  message: string;
  fix: string;
}

const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const VAR_REF = /^vars\.([A-Za-z0-9][A-Za-z0-9_-]*)$/;

export function parseTemplate(source: string): { parts: TemplatePart[]; problems: TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let last = 0;
  for (const match of source.matchAll(EXPRESSION)) {
    const offset = match.index;
    if (offset > last) parts.push({ kind: 'text', text: source.slice(last, offset) });
    last = offset + match[0].length;
    const expression = match[1] ?? '';
    if (expression === 'user') {
      parts.push({ kind: 'ref', ref: { scope: 'user' }, offset });
      continue;
    }
    const variable = VAR_REF.exec(expression);
    if (variable) {
      parts.push({ kind: 'ref', ref: { scope: 'vars', name: variable[1]! }, offset });
      continue;
    }
    problems.push({
      offset,
      message: `unknown template expression "{{${expression}}}"`,
      fix: 'use {{user}} for the CLI argument or {{vars.<name>}} for a variable declared under vars',
    });
  }
  const rest = source.slice(last);
  const unclosed = rest.indexOf('{{');
  if (unclosed >= 0) {
    problems.push({ offset: last + unclosed, message: 'unclosed template "{{"', fix: 'close it with "}}"' });
  }
  if (rest) parts.push({ kind: 'text', text: rest });
  return { parts, problems };
}

export interface TemplateScope {
  user: string;
  vars: Record<string, string>;
}

/** Renders a template already checked by parseTemplate; unknown vars were rejected at validation. */
export function renderTemplate(source: string, scope: TemplateScope): string {
  return parseTemplate(source)
    .parts.map((part) => {
      if (part.kind === 'text') return part.text;
      if (part.ref.scope === 'user') return scope.user;
      const value = scope.vars[part.ref.name];
      if (value === undefined) throw new Error(`template refers to unknown variable ${part.ref.name}`);
      return value;
    })
    .join('');
}

/**
 * Resolves vars that may refer to {{user}} and to each other. Returns the cycle when one exists.
 */
export function resolveVars(
  declared: Record<string, string>,
  user: string,
): { vars: Record<string, string> } | { cycle: string[] } {
  const resolved: Record<string, string> = {};
  const visiting: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (name in resolved) return undefined;
    const start = visiting.indexOf(name);
    if (start >= 0) return [...visiting.slice(start), name];
    visiting.push(name);
    const source = declared[name] ?? '';
    for (const part of parseTemplate(source).parts) {
      if (part.kind === 'ref' && part.ref.scope === 'vars' && part.ref.name in declared) {
        const cycle = visit(part.ref.name);
        if (cycle) return cycle;
      }
    }
    visiting.pop();
    resolved[name] = renderTemplate(source, { user, vars: resolved });
    return undefined;
  };
  for (const name of Object.keys(declared)) {
    const cycle = visit(name);
    if (cycle) return { cycle };
  }
  return { vars: resolved };
}
