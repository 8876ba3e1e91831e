/**
 * Okta's filter and search expressions, as far as the sandbox needs them: `attr eq "v"`,
 * `attr ne "v"`, `attr sw "v"`, `attr pr`, joined by `and` or `or` (no parentheses), where attr
 * is a dotted path into the object (`status`, `profile.login`, `actor.id`).
 */
export type Predicate = (item: unknown) => boolean;

const CLAUSE = /^\s*([A-Za-z_][\w.]*)\s+(?:(eq|ne|sw|gt|lt)\s+"((?:[^"\\]|\\.)*)"|(pr))\s*/;

/** The values at a dotted path; through an array, every element's (`target.id` matches any target). */
function valuesAt(item: unknown, path: string): unknown[] {
  let nodes = [item];
  for (const key of path.split('.')) {
    nodes = nodes.flatMap((node) => (Array.isArray(node) ? node : [node])).map((node) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined));
  }
  return nodes.flatMap((node) => (Array.isArray(node) ? node : [node]));
}

/** Parses an expression into a predicate, or throws a message Okta would give as errorCauses. */
export function parseExpression(expression: string): Predicate {
  let rest = expression;
  const clauses: Predicate[] = [];
  const joins: Array<'and' | 'or'> = [];
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) throw new Error(`Invalid search criteria: ${expression}`);
    const [whole, path, op, raw, present] = match as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    const wanted = (raw ?? '').replace(/\\(.)/g, '$1');
    const matches = (value: unknown) => {
      if (present) return value !== undefined && value !== null && value !== '';
      const text = value === undefined || value === null ? '' : String(value);
      const [a, b] = [text.toLowerCase(), wanted.toLowerCase()];
      if (op === 'eq') return a === b;
      if (op === 'ne') return a !== b;
      if (op === 'sw') return a.startsWith(b);
      return op === 'gt' ? text > wanted : text < wanted;
    };
    clauses.push((item) => {
      const values = valuesAt(item, path);
      return op === 'ne' ? values.every(matches) : values.some(matches);
    });
    rest = rest.slice(whole.length);
    if (rest.trim() === '') break;
    const join = /^(and|or)\s+/i.exec(rest);
    if (!join) throw new Error(`Invalid search criteria: ${expression}`);
    joins.push(join[1]!.toLowerCase() as 'and' | 'or');
    rest = rest.slice(join[0].length);
  }
  return (item) => {
    // `and` binds tighter than `or`, as in Okta's expression language.
    let any = false;
    let all = clauses[0]!(item);
    joins.forEach((join, i) => {
      if (join === 'and') all = all && clauses[i + 1]!(item);
      else {
        any = any || all;
        all = clauses[i + 1]!(item);
      }
    });
    return any || all;
  };
}
