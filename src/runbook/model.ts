/** A runbook that passed validation. Templates are still unresolved here. */
export interface Runbook {
  file: string;
  sha256: string;
  name: string;
  description?: string;
  vars: Record<string, string>;
  providers: Record<string, ProviderInstance>;
  /** Per provider instance: identities never touched. */
  protect: Record<string, string[]>;
  steps: Step[];
}

export interface ProviderInstance {
  name: string;
  type: string;
  /** Parsed by the provider type's config schema; string values may hold templates. */
  config: Record<string, unknown>;
  /** `sla:` in milliseconds, for `revoke drill`: the default of this instance's steps. */
  slaMs?: number;
}

export interface Step {
  id: string;
  provider: string;
  /** A template, e.g. "{{vars.iam_user}}". */
  user: string;
  /** Expanded: `all` became the provider's kinds, in canonical order. */
  kinds: string[];
  /** As written in the runbook, for the record. */
  revoke: string[];
  mode: string | undefined;
  dependsOn: string[];
  /** Provider-specific step keys, parsed by its stepOptionsSchema. */
  options: Record<string, unknown>;
  /** `sla:` in milliseconds, for `revoke drill` (overrides the provider instance's). */
  slaMs?: number;
}
