import { InvalidInputError } from '../../../errors.js';
import type { GraphApi } from '../graph-api.js';
import { finding, Phase, targetOf, removeOrConfirmGone, type EntraKind } from '../kind.js';

/** The Global Administrator role's template id, the same in every tenant. */
export const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';

interface Assignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
}

const assignmentsWhere = (graph: GraphApi, clause: string) => graph.list<Assignment>(`/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(clause)}`);

/** Who holds Global Administrator: a read that needs no one's id, so it can go out beside the person's (connect does, in a run that revokes directory roles). */
export const globalAdministrators = async (graph: GraphApi) => new Set((await assignmentsWhere(graph, `roleDefinitionId eq '${GLOBAL_ADMIN}'`)).map((a) => a.principalId));

/**
 * The Global Administrator refusals, decided from the role's holders alone: the tenant's last one
 * is never removed, another only with allowGlobalAdmin. Containment asks this before the block
 * (one round trip fewer than listing the person's assignments first); discovery asks it too.
 */
export async function refuseGlobalAdministrator(graph: GraphApi, user: { id: string; userPrincipalName: string }, request: { allowGlobalAdmin: boolean }): Promise<void> {
  const holders = await globalAdministrators(graph);
  if (!holders.has(user.id)) return;
  if (holders.size <= 1) throw new InvalidInputError(`${user.userPrincipalName} is the last Global Administrator of the tenant; removing the role would leave nobody able to administer it`, 'assign Global Administrator to someone else first');
  if (!request.allowGlobalAdmin) throw new InvalidInputError(`${user.userPrincipalName} is a Global Administrator; revoke refuses to remove that role unless the step allows it`, 'set allowGlobalAdmin: true on the step after checking with the other administrators');
}

/** Role names for assignment definitions, in one $batch round trip per 20 roles. */
async function roleNames(graph: GraphApi, definitionIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(definitionIds)];
  const names = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 20) {
    const chunk = unique.slice(i, i + 20);
    const answers = await graph.batchGet(chunk.map((id) => `/roleManagement/directory/roleDefinitions/${encodeURIComponent(id)}?$select=id,displayName,templateId`));
    answers.forEach((answer, j) => names.set(chunk[j]!, answer.status === 200 ? ((answer.body as { displayName?: string }).displayName ?? chunk[j]!) : chunk[j]!));
  }
  return names;
}

/**
 * Directory role assignments deleted. Global Administrator needs allowGlobalAdmin: true on the
 * step, and the tenant's last Global Administrator is always refused, before anything changes.
 */
export const directoryRoles: EntraKind = {
  name: 'directory-roles',
  mayRefuse: true,
  description: 'directory role assignments deleted; Global Administrator only with allowGlobalAdmin: true, never the last one',
  permissions: ['RoleManagement.ReadWrite.Directory'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const assignments = await assignmentsWhere(graph, `principalId eq '${user.id}'`);
    if (assignments.some((a) => a.roleDefinitionId === GLOBAL_ADMIN)) await refuseGlobalAdministrator(graph, user, request);
    const names = await roleNames(graph, assignments.map((a) => a.roleDefinitionId));
    return assignments.map((a) => {
      const role = names.get(a.roleDefinitionId) ?? a.roleDefinitionId;
      return finding('directory-roles', user, a.id, `directory role ${role}${a.directoryScopeId && a.directoryScopeId !== '/' ? ` on ${a.directoryScopeId}` : ''}`, Phase.Access, { role, roleDefinitionId: a.roleDefinitionId, directoryScopeId: a.directoryScopeId ?? '/' });
    });
  },
  async revoke({ graph }, found) {
    return removeOrConfirmGone(
      found.label,
      () => graph.delete(`/roleManagement/directory/roleAssignments/${encodeURIComponent(found.id)}`),
      async () => (await assignmentsWhere(graph, `roleDefinitionId eq '${String(found.details?.roleDefinitionId ?? '')}'`)).some((a) => a.id === found.id),
    );
  },
};
