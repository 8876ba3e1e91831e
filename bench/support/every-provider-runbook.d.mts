// Types of every-provider-runbook.mjs, for the tests that TypeScript checks.
export const EVERY_PROVIDER_RUNBOOKS: string[];

export function everyProviderRunbook(options: { name: string; oktaDomain: string; entraDomain: string; defaultPacing?: boolean }): string;
