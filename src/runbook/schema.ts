import { z } from 'zod';
import type { ProviderRegistry } from '../providers/registry.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const name = (what: string) =>
  z.string().regex(NAME_PATTERN, `${what} must start with a letter or digit and use only letters, digits, "-" and "_"`);

/** `sla: 5m`: how long a credential may keep working after a drill starts revoking (`revoke drill`). */
export const SLA_PATTERN = /^(\d+)(ms|s|m|h)$/;
const slaSchema = z
  .string()
  .regex(SLA_PATTERN, 'must be a duration like 30s, 5m or 1h')
  .describe('revoke drill: each credential of the canary must be denied within this long after the revocation starts (e.g. 5m).');

/** Milliseconds of a validated `sla:` value. */
export function slaMs(sla: string): number {
  const [, amount, unit] = SLA_PATTERN.exec(sla)!;
  return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}

const stepBaseShape = {
  id: name('a step id').describe('Unique id of the step; other steps name it in dependsOn.'),
  provider: z.string().describe('Name of a provider instance declared under providers.'),
  user: z.string().min(1).describe('Who to revoke on this provider; templates like {{user}} or {{vars.x}} allowed.'),
  revoke: z.array(z.string()).min(1, 'list at least one revoke kind').describe('Revoke kinds to discover and revoke, or [all].'),
  mode: z.string().optional().describe('Provider-specific mode, e.g. disable (reversible) or delete for aws-iam.'),
  dependsOn: z.array(z.string()).optional().describe('Steps that must succeed before this one revokes anything.'),
  sla: slaSchema.optional(),
};

const runbookShape = {
  version: z.literal(1).describe('Runbook format version.'),
  name: z.string().min(1).describe('Name of the runbook, recorded in every report.'),
  description: z.string().optional(),
  vars: z
    .record(name('a variable name'), z.string())
    .optional()
    .describe('Variables for templates; {{user}} is the CLI argument; --set key=value overrides.'),
  protect: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe('Per provider instance: identities that are never revoked, whatever the input.'),
};

/**
 * The structural schema used to validate. Provider configs and step options are loose here
 * because they are checked against the provider type's own schema in a second pass, which
 * gives better messages (an unknown provider type is one error, not a failed union).
 */
export const runbookStructureSchema = z.strictObject({
  ...runbookShape,
  providers: z
    .record(name('a provider instance name'), z.looseObject({ type: z.string(), sla: slaSchema.optional() }))
    .refine((providers) => Object.keys(providers).length > 0, 'declare at least one provider instance'),
  steps: z.array(z.looseObject(stepBaseShape)).min(1, 'a runbook needs at least one step'),
});

export type RunbookDocument = z.infer<typeof runbookStructureSchema>;
export type StepDocument = RunbookDocument['steps'][number];

export const STEP_BASE_KEYS = new Set(Object.keys(stepBaseShape));

/** The full schema for editors: provider configs and step options spelled out per type. */
export function editorRunbookSchema(registry: ProviderRegistry): z.ZodType {
  const providers = registry.all();
  const configs = providers.map((provider) => {
    const config = provider.configSchema as unknown as z.ZodObject;
    return z.strictObject({ type: z.literal(provider.type), ...config.shape, sla: slaSchema.optional() }).describe(provider.description);
  });
  const providerInstance =
    configs.length === 0
      ? z.looseObject({ type: z.string() })
      : configs.length === 1
        ? configs[0]!
        : z.discriminatedUnion('type', configs as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);

  const allKinds = [...new Set(['all', ...providers.flatMap((p) => p.kinds.map((k) => k.name))])];
  const allModes = [...new Set(providers.flatMap((p) => p.modes?.names ?? []))];
  const stepOptions = Object.assign({}, ...providers.map((p) => p.stepOptionsSchema?.shape ?? {}));

  return z.strictObject({
    ...runbookShape,
    providers: z.record(name('a provider instance name'), providerInstance).describe('Named provider instances.'),
    steps: z
      .array(
        z.strictObject({
          ...stepBaseShape,
          revoke: z.array(allKinds.length > 1 ? z.enum(allKinds as [string, ...string[]]) : z.string()).min(1),
          mode: allModes.length > 0 ? z.enum(allModes as [string, ...string[]]).optional() : z.string().optional(),
          ...stepOptions,
        }),
      )
      .min(1),
  });
}

export function runbookJsonSchema(registry: ProviderRegistry): Record<string, unknown> {
  const schema = z.toJSONSchema(editorRunbookSchema(registry), { io: 'input', target: 'draft-2020-12' });
  return {
    title: 'revoke runbook',
    ...schema,
  };
}
