import { ProviderRegistry } from './registry.js';

/** The provider types that ship with revoke. */
export function builtinRegistry(): ProviderRegistry {
  return new ProviderRegistry([]);
}
