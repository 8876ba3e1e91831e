import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { ALL_KINDS, expandKinds, type ProviderRegistry } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { didYouMean } from '../suggest.js';
import { findCycle } from './graph.js';
import type { ProviderInstance, Runbook, Step } from './model.js';
import { runbookStructureSchema, slaMs, STEP_BASE_KEYS, type RunbookDocument } from './schema.js';
import type { PathSegment, RunbookSource } from './source.js';
import { parseTemplate, renderTemplate, resolveVars } from './template.js';

export type ValidationResult = { runbook: Runbook; diagnostics: [] } | { runbook?: undefined; diagnostics: Diagnostic[] };

/** Checks a runbook completely without touching any provider or credential. */
export function validateRunbook(source: RunbookSource, registry: ProviderRegistry): ValidationResult {
  const syntax = source.syntaxDiagnostics();
  if (syntax.length > 0) return { diagnostics: syntax };

  const read = source.toData();
  if ('diagnostics' in read) return { diagnostics: read.diagnostics };
  const { data } = read;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      diagnostics: [
        source.diagnostic([], 'a runbook must be a YAML mapping', 'start from runbooks/offboarding.yaml: version, name, providers and steps'),
      ],
    };
  }
  const parsed = runbookStructureSchema.safeParse(data);
  if (!parsed.success) {
    return { diagnostics: sortByPosition(zodDiagnostics(source, parsed.error.issues, [], TOP_LEVEL_KEYS, data)) };
  }
  const checker = new SemanticChecker(source, registry, parsed.data);
  const runbook = checker.check();
  const diagnostics = sortByPosition(checker.diagnostics);
  return diagnostics.length === 0 && runbook ? { runbook, diagnostics: [] } : { diagnostics };
}

const TOP_LEVEL_KEYS = Object.keys(runbookStructureSchema.shape);

class SemanticChecker {
  readonly diagnostics: Diagnostic[] = [];
  private varsUsingUser = new Set<string>();

  constructor(
    private readonly source: RunbookSource,
    private readonly registry: ProviderRegistry,
    private readonly doc: RunbookDocument,
  ) {}

  check(): Runbook | undefined {
    const vars = this.doc.vars ?? {};
    this.checkVars(vars);
    const providers = this.checkProviders();
    const protect = this.checkProtect();
    const steps = this.checkSteps(providers, protect, vars);
    if (this.diagnostics.length > 0) return undefined;
    const runbook: Runbook = {
      file: this.source.file,
      sha256: this.source.sha256,
      name: this.doc.name,
      vars,
      providers,
      protect,
      steps,
    };
    if (this.doc.description !== undefined) runbook.description = this.doc.description;
    return runbook;
  }

  private report(path: PathSegment[], message: string, fix?: string, target: 'key' | 'value' = 'value', offset?: number) {
    this.diagnostics.push(this.source.diagnostic(path, message, fix, target, offset));
  }

  private checkVars(vars: Record<string, string>) {
    for (const [name, value] of Object.entries(vars)) this.checkTemplate(value, ['vars', name], vars);
    const resolution = resolveVars(vars, '');
    if ('cycle' in resolution) {
      this.report(
        ['vars', resolution.cycle[0]!],
        `variables refer to each other in a cycle: ${resolution.cycle.join(' -> ')}`,
        'make one of these variables a literal or {{user}}',
        'key',
      );
      return;
    }
    // A var that uses {{user}} (directly or through another var) is only known at run time.
    const usesUser = (name: string, seen = new Set<string>()): boolean => {
      if (seen.has(name)) return false;
      seen.add(name);
      return parseTemplate(vars[name] ?? '').parts.some(
        (part) => part.kind === 'ref' && (part.ref.scope === 'user' || usesUser(part.ref.name, seen)),
      );
    };
    this.varsUsingUser = new Set(Object.keys(vars).filter((name) => usesUser(name)));
  }

  private checkTemplate(value: string, path: PathSegment[], vars: Record<string, string>) {
    const { parts, problems } = parseTemplate(value);
    for (const problem of problems) this.report(path, problem.message, problem.fix, 'value', problem.offset);
    for (const part of parts) {
      if (part.kind === 'ref' && part.ref.scope === 'vars' && !(part.ref.name in vars)) {
        this.report(
          path,
          `template refers to unknown variable "vars.${part.ref.name}"`,
          `declare it under vars: (or pass --set ${part.ref.name}=...): ${didYouMean(part.ref.name, Object.keys(vars))}`,
          'value',
          part.offset,
        );
      }
    }
  }

  private checkTemplatesDeep(value: unknown, path: PathSegment[]) {
    const vars = this.doc.vars ?? {};
    if (typeof value === 'string') this.checkTemplate(value, path, vars);
    else if (Array.isArray(value)) value.forEach((item, i) => this.checkTemplatesDeep(item, [...path, i]));
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) this.checkTemplatesDeep(item, [...path, key]);
    }
  }

  private checkProviders(): Record<string, ProviderInstance> {
    const instances: Record<string, ProviderInstance> = {};
    for (const [name, raw] of Object.entries(this.doc.providers)) {
      const { type, sla, ...config } = raw;
      const provider = this.registry.get(type);
      if (!provider) {
        this.report(['providers', name, 'type'], `unknown provider type "${type}"`, didYouMean(type, this.registry.types()));
        continue;
      }
      const parsed = provider.configSchema.safeParse(config);
      if (!parsed.success) {
        const allowed = ['type', 'sla', ...objectKeys(provider.configSchema)];
        this.diagnostics.push(...zodDiagnostics(this.source, parsed.error.issues, ['providers', name], allowed, config));
        continue;
      }
      this.checkTemplatesDeep(config, ['providers', name]);
      instances[name] = { name, type, config: parsed.data as Record<string, unknown>, ...(sla !== undefined ? { slaMs: slaMs(sla) } : {}) };
    }
    return instances;
  }

  private checkProtect(): Record<string, string[]> {
    const protect = this.doc.protect ?? {};
    for (const [instance, identities] of Object.entries(protect)) {
      if (!(instance in this.doc.providers)) {
        this.report(['protect', instance], `protect names unknown provider instance "${instance}"`, didYouMean(instance, Object.keys(this.doc.providers)), 'key');
      }
      identities.forEach((identity, i) => {
        if (identity.includes('{{')) {
          this.report(['protect', instance, i], 'protected identities must be literal names, not templates', `write the identity itself, e.g. "${identity.replace(/\{\{.*?\}\}/g, 'break-glass-admin')}"`);
        }
      });
    }
    return protect;
  }

  private checkSteps(providers: Record<string, ProviderInstance>, protect: Record<string, string[]>, vars: Record<string, string>): Step[] {
    const steps: Step[] = [];
    const firstLine = new Map<string, number>();
    const ids = this.doc.steps.map((step) => step.id);

    this.doc.steps.forEach((raw, index) => {
      const path: PathSegment[] = ['steps', index];
      const previous = firstLine.get(raw.id);
      if (previous !== undefined) {
        this.report([...path, 'id'], `duplicate step id "${raw.id}" (first used on line ${previous})`, 'give every step a unique id');
      } else {
        firstLine.set(raw.id, this.source.locate([...path, 'id']).line);
      }

      (raw.dependsOn ?? []).forEach((dep, i) => {
        if (!ids.includes(dep)) {
          this.report([...path, 'dependsOn', i], `step "${raw.id}" depends on unknown step "${dep}"`, didYouMean(dep, ids.filter((id) => id !== raw.id)));
        }
      });

      this.checkTemplate(raw.user, [...path, 'user'], vars);

      const instance = this.doc.providers[raw.provider];
      if (!instance) {
        this.report([...path, 'provider'], `step "${raw.id}" uses unknown provider instance "${raw.provider}"`, `declare it under providers:, ${didYouMean(raw.provider, Object.keys(this.doc.providers))}`);
        return;
      }
      const provider = this.registry.get(instance.type);
      if (!provider || !providers[raw.provider]) return; // already reported on the provider instance

      const kinds = this.checkKinds(provider, raw.revoke, path);
      const mode = this.checkMode(provider, raw.mode, path);
      const options = this.checkStepOptions(provider, raw, path);
      this.checkLiteralUser(provider, raw, path, protect[raw.provider] ?? []);
      steps.push({
        id: raw.id,
        provider: raw.provider,
        user: raw.user,
        kinds,
        revoke: raw.revoke,
        mode,
        dependsOn: raw.dependsOn ?? [],
        options,
        ...(raw.sla !== undefined ? { slaMs: slaMs(raw.sla) } : {}),
      });
    });

    const cycle = findCycle(this.doc.steps.map((s) => ({ id: s.id, dependsOn: s.dependsOn ?? [] })));
    if (cycle) {
      const index = this.doc.steps.findIndex((s) => s.id === cycle[0]);
      this.report(['steps', index, 'dependsOn'], `dependsOn cycle: ${cycle.join(' -> ')}`, 'remove one of these dependencies so the steps can run in an order', 'key');
    }
    return steps;
  }

  private checkKinds(provider: Provider, requested: string[], path: PathSegment[]): string[] {
    const known = [...provider.kinds.map((k) => k.name), ALL_KINDS];
    requested.forEach((kind, i) => {
      if (!known.includes(kind)) {
        this.report([...path, 'revoke', i], `unknown revoke kind "${kind}" for provider type ${provider.type}`, didYouMean(kind, known));
      }
    });
    return expandKinds(provider, requested);
  }

  private checkMode(provider: Provider, mode: string | undefined, path: PathSegment[]): string | undefined {
    if (!provider.modes) {
      if (mode !== undefined) this.report([...path, 'mode'], `provider type ${provider.type} has no modes`, 'remove mode: from this step', 'key');
      return undefined;
    }
    if (mode === undefined) return provider.modes.default;
    if (!provider.modes.names.includes(mode)) {
      this.report([...path, 'mode'], `unknown mode "${mode}" for provider type ${provider.type}`, didYouMean(mode, provider.modes.names));
    }
    return mode;
  }

  private checkStepOptions(provider: Provider, raw: Record<string, unknown>, path: PathSegment[]): Record<string, unknown> {
    const extra = Object.fromEntries(Object.entries(raw).filter(([key]) => !STEP_BASE_KEYS.has(key)));
    const optionKeys = provider.stepOptionsSchema ? Object.keys(provider.stepOptionsSchema.shape) : [];
    const allowed = [...STEP_BASE_KEYS, ...optionKeys];
    if (!provider.stepOptionsSchema) {
      for (const key of Object.keys(extra)) {
        this.report([...path, key], `unknown key "${key}" in step`, didYouMean(key, allowed), 'key');
      }
      return {};
    }
    const parsed = provider.stepOptionsSchema.strict().safeParse(extra);
    if (!parsed.success) {
      this.diagnostics.push(...zodDiagnostics(this.source, parsed.error.issues, path, allowed, extra));
      return {};
    }
    this.checkTemplatesDeep(extra, path);
    return parsed.data;
  }

  /** A user that does not depend on {{user}} is known now: check it against the provider and protect. */
  private checkLiteralUser(provider: Provider, raw: { user: string; provider: string; id: string }, path: PathSegment[], protectedUsers: string[]) {
    const { parts, problems } = parseTemplate(raw.user);
    if (problems.length > 0) return;
    const dependsOnUser = parts.some((part) => part.kind === 'ref' && (part.ref.scope === 'user' || this.varsUsingUser.has(part.ref.name)));
    if (dependsOnUser) return;
    const vars = this.doc.vars ?? {};
    if (parts.some((part) => part.kind === 'ref' && part.ref.scope === 'vars' && !(part.ref.name in vars))) return;
    const resolved = resolveVars(vars, '');
    if ('cycle' in resolved) return;
    const user = renderTemplate(raw.user, { user: '', vars: resolved.vars });
    const problem = userNameProblem(provider, user);
    if (problem) this.report([...path, 'user'], problem.message, problem.fix);
    if (isProtected(user, protectedUsers)) {
      this.report([...path, 'user'], `step "${raw.id}" targets "${user}", which is protected on ${raw.provider}`, `remove this step or remove "${user}" from protect.${raw.provider}`);
    }
  }
}

/** Why a user name cannot be right for this provider, or undefined. */
export function userNameProblem(provider: Provider, user: string): { message: string; fix: string } | undefined {
  if (user.length === 0) return { message: `the user name for ${provider.type} is empty`, fix: 'pass a user name, or check the vars the step uses' };
  if (!provider.user.pattern.test(user)) {
    return {
      message: `"${printable(user)}" is not a valid ${provider.type} user name`,
      fix: `${provider.type} user names are ${provider.user.description}`,
    };
  }
  return undefined;
}

export function isProtected(user: string, protectedUsers: readonly string[]): boolean {
  // Compare without case even on case-sensitive providers: protecting too much is the safe error.
  const wanted = user.toLowerCase();
  return protectedUsers.some((p) => p.toLowerCase() === wanted);
}

/** Shows control characters and odd whitespace instead of letting them reach the terminal. */
export function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function objectKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}

/** Maps zod issues onto source positions with a message and a fix. */
export function zodDiagnostics(
  source: RunbookSource,
  issues: readonly z.core.$ZodIssue[],
  prefix: PathSegment[],
  allowedKeys: string[],
  data: unknown,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    const input = valueAt(data, issue.path as PathSegment[]);
    const where = formatPath(path) || 'the runbook';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        diagnostics.push(source.diagnostic([...path, key], `unknown key "${key}"${path.length ? ` in ${where}` : ''}`, didYouMean(key, allowedKeys), 'key'));
      }
      continue;
    }
    if (issue.code === 'invalid_type' && input === undefined) {
      const key = path[path.length - 1];
      diagnostics.push(source.diagnostic(path.slice(0, -1), `missing required key "${String(key)}"${path.length > 1 ? ` in ${formatPath(path.slice(0, -1))}` : ''}`, `add ${String(key)}: (${issue.expected})`, 'key'));
      continue;
    }
    if (issue.code === 'invalid_type') {
      diagnostics.push(source.diagnostic(path, `${where} must be ${article(issue.expected)}, not ${describe(input)}`, fixForType(issue.expected)));
      continue;
    }
    if (issue.code === 'invalid_value') {
      const values = issue.values.map((v) => JSON.stringify(v)).join(' or ');
      diagnostics.push(source.diagnostic(path, `${where} must be ${values}`, `set ${formatPath(path)}: ${issue.values.map(String).join(' | ')}`));
      continue;
    }
    diagnostics.push(source.diagnostic(path, `${where}: ${issue.message}`, undefined));
  }
  return diagnostics;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(input: unknown): string {
  if (input === null) return 'null (an empty value)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

function fixForType(expected: string): string | undefined {
  if (expected === 'string') return 'quote the value, e.g. "123"';
  if (expected === 'array') return 'write a YAML list: [a, b] or one "- item" per line';
  if (expected === 'object') return 'write a YAML mapping of "key: value" lines';
  return undefined;
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}
