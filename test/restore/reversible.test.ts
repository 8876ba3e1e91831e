import { describe, expect, it } from 'vitest';
import { awsIamProvider } from '../../src/providers/aws-iam/index.js';
import { entraIdProvider } from '../../src/providers/entra-id/index.js';
import { githubProvider } from '../../src/providers/github/index.js';
import { googleWorkspaceProvider } from '../../src/providers/google-workspace/index.js';
import { oktaProvider } from '../../src/providers/okta/index.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import { inRestoreOrder, reversedGraph } from '../../src/restore/run-restore.js';

const providers = [awsIamProvider, githubProvider, postgresProvider, googleWorkspaceProvider, oktaProvider, entraIdProvider];

describe('restore metadata matches what restore does', () => {
  it.each(providers.map((p) => [p.type, p] as const))('%s: a kind is `reversible` exactly when it has a restore; every other kind says why not', (_type, provider) => {
    for (const kind of provider.kindModules as Array<{ name: string; reversible: boolean; planRestore?: unknown; restore?: unknown; notRestorable?: unknown }>) {
      expect({ kind: kind.name, reversible: kind.reversible }).toEqual({ kind: kind.name, reversible: typeof kind.planRestore === 'function' });
      expect(typeof kind.restore === 'function', `${kind.name}: planRestore and restore come together`).toBe(kind.reversible);
    }
    // `revoke providers` shows the same flag.
    expect(provider.kinds.map((k) => k.reversible)).toEqual((provider.kindModules as Array<{ reversible: boolean }>).map((k) => k.reversible));
  });

  it('the run graph reversed: a step waits for every step that depended on it', () => {
    const reversed = reversedGraph([
      { id: 'contain', dependsOn: [] },
      { id: 'membership', dependsOn: ['contain'] },
      { id: 'remove', dependsOn: ['contain', 'membership'] },
    ]);
    expect(reversed).toEqual([
      { id: 'contain', dependsOn: ['membership', 'remove'] },
      { id: 'membership', dependsOn: ['remove'] },
      { id: 'remove', dependsOn: [] },
    ]);
    expect(inRestoreOrder([{ id: 'contain', dependsOn: [] }, { id: 'membership', dependsOn: ['contain'] }, { id: 'remove', dependsOn: ['contain', 'membership'] }, { id: 'other', dependsOn: [] }]).map((s) => s.id)).toEqual(['remove', 'membership', 'contain', 'other']);
  });
});
