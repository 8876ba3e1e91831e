/**
 * The part of AWS's identity-policy evaluation that revocation relies on: an explicit Deny in
 * any policy of the principal, or in a user's permissions boundary, wins over everything, and a
 * Deny may be conditioned on `aws:TokenIssueTime` (which only temporary credentials carry) or
 * `aws:CurrentTime`.
 *
 * Not modelled: implicit deny (a request no policy allows is still served, so the sandbox's
 * operator needs no policy; likewise a boundary only denies through its explicit Denies, never
 * by not allowing), boundaries of roles, SCPs, resource policies, NotAction and NotResource,
 * condition operators other than the date ones (a Deny with one never applies, so tests cannot
 * pass by accident through an unsupported condition).
 */

export interface RequestContext {
  /** `iam:DeleteUser`, `sts:GetSessionToken`, `cloudtrail:LookupEvents`. */
  action: string;
  /** The resource ARN when the request names one, else `*`. */
  resource: string;
  /** When the temporary credentials were issued; absent for long-term access keys. */
  tokenIssueTime?: Date;
  now: Date;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The first policy statement that explicitly denies the request, or undefined. */
export function explicitDeny(documents: string[], request: RequestContext): Statement | undefined {
  for (const document of documents) {
    for (const statement of statementsOf(document)) {
      if (statement.Effect !== 'Deny') continue;
      if (!list(statement.Action).some((pattern) => matches(pattern, request.action, true))) continue;
      if (!list(statement.Resource).some((pattern) => pattern === '*' || matches(pattern, request.resource, false))) continue;
      if (!conditionsHold(statement.Condition, request)) continue;
      return statement;
    }
  }
  return undefined;
}

function statementsOf(document: string): Statement[] {
  try {
    const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
    return list(parsed.Statement);
  } catch {
    return [];
  }
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM wildcards: `*` any run, `?` one character; action names compare case-insensitively. */
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/** Every condition must hold (AND); within one key, any listed value may match (OR). */
function conditionsHold(condition: Statement['Condition'], request: RequestContext): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      const actual = contextDate(key, request);
      // A condition on a key the request does not carry does not match (AWS evaluates it false).
      if (actual === undefined) return false;
      const compare = DATE_OPERATORS[operator];
      if (!compare) return false;
      if (!list(values).some((value) => compare(actual.getTime(), Date.parse(value)))) return false;
    }
  }
  return true;
}

const DATE_OPERATORS: Record<string, (actual: number, value: number) => boolean> = {
  DateLessThan: (a, v) => a < v,
  DateLessThanEquals: (a, v) => a <= v,
  DateGreaterThan: (a, v) => a > v,
  DateGreaterThanEquals: (a, v) => a >= v,
  DateEquals: (a, v) => a === v,
};

function contextDate(key: string, request: RequestContext): Date | undefined {
  switch (key.toLowerCase()) {
    case 'aws:tokenissuetime':
      return request.tokenIssueTime;
    case 'aws:currenttime':
      return request.now;
    default:
      return undefined;
  }
}
