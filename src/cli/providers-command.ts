import { InvalidInputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Provider } from '../providers/types.js';
import { didYouMean } from '../suggest.js';
import { writeLine, type CliIO } from './io.js';

export async function providersCommand(type: string | undefined, options: { json?: boolean }, io: CliIO): Promise<number> {
  const registry = await io.registry();
  let providers = registry.all();
  if (type !== undefined) {
    const provider = registry.get(type);
    if (!provider) throw new InvalidInputError(`unknown provider type "${type}"`, didYouMean(type, registry.types()));
    providers = [provider];
  }
  if (options.json) {
    writeLine(io.stdout, JSON.stringify(providers.map(describeProvider), null, 2));
    return ExitCode.Success;
  }
  if (providers.length === 0) writeLine(io.stdout, 'No provider types are installed.');
  for (const provider of providers) writeLine(io.stdout, renderProvider(provider));
  return ExitCode.Success;
}

function describeProvider(provider: Provider) {
  return {
    type: provider.type,
    description: provider.description,
    user: provider.user.description,
    modes: provider.modes ?? null,
    kinds: provider.kinds,
    permissions: [...new Set([...(provider.basePermissions ?? []), ...provider.kinds.flatMap((k) => k.permissions)])].sort(),
    policy: provider.permissionsDocument ? JSON.parse(provider.permissionsDocument()) : null,
  };
}

function renderProvider(provider: Provider): string {
  const lines = [`${provider.type}: ${provider.description}`, `  user names: ${provider.user.description}`];
  if (provider.modes) {
    lines.push(`  modes (default ${provider.modes.default}):`);
    for (const mode of provider.modes.names) lines.push(`    ${mode.padEnd(10)} ${provider.modes.descriptions[mode] ?? ''}`);
  }
  lines.push('  revoke kinds:');
  for (const kind of provider.kinds) {
    lines.push(`    ${kind.name.padEnd(22)} ${kind.description}${kind.reversible ? '' : ' (not reversible)'}`);
    if (kind.permissions.length > 0) lines.push(`    ${''.padEnd(22)} needs: ${kind.permissions.join('; ')}`);
  }
  lines.push(`    ${'all'.padEnd(22)} every kind above, in this order`);
  if (provider.basePermissions?.length) lines.push(`  every run needs: ${provider.basePermissions.join(', ')}`);
  if (provider.permissionsDocument) lines.push('  least-privilege policy:', indent(provider.permissionsDocument(), 4));
  return lines.join('\n');
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}
