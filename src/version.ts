// Replaced at build time (scripts/build.mjs) and in tests (vitest.config.ts) with package.json's version.
declare const __REVOKE_VERSION__: string;

export const TOOL_NAME = 'revoke';

export function toolVersion(): string {
  return __REVOKE_VERSION__;
}
