import { readFileSync } from 'node:fs';

/** The package version, read once from package.json next to dist/. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const TOOL_NAME = 'revoke';
