import type { Provider } from './types.js';

/** Looks provider types up by name. Entries are cheap to import; SDKs load in connect(). */
export class ProviderRegistry {
  private readonly byType = new Map<string, Provider>();

  constructor(providers: Provider[]) {
    for (const provider of providers) {
      if (this.byType.has(provider.type)) throw new Error(`provider type ${provider.type} registered twice`);
      this.byType.set(provider.type, provider);
    }
  }

  get(type: string): Provider | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  all(): Provider[] {
    return [...this.byType.values()];
  }
}

export const ALL_KINDS = 'all';

/** Expands `all` into every kind of the provider, keeping the provider's canonical order. */
export function expandKinds(provider: Provider, requested: string[]): string[] {
  if (requested.includes(ALL_KINDS)) return provider.kinds.map((k) => k.name);
  const wanted = new Set(requested);
  return provider.kinds.map((k) => k.name).filter((name) => wanted.has(name));
}
