import { fileURLToPath } from 'node:url';

/**
 * The package's root folder. Both src/<dir>/x.ts (tests) and dist/<dir>/x.js (the build) sit two
 * levels below it, so every caller passes its own import.meta.url.
 */
export function packageRoot(importMetaUrl: string): string {
  return fileURLToPath(new URL('../..', importMetaUrl));
}
