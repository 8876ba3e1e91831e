import type { WatchEvent, WatchRequest } from '../types.js';
import type { GraphApi } from './graph-api.js';
import { readUser, statusOf } from './kind.js';

interface SignIn {
  id: string;
  createdDateTime: string;
  appDisplayName?: string;
  isInteractive?: boolean;
  status?: { errorCode?: number; failureReason?: string | null };
}

/**
 * `revoke watch`: interactive and non-interactive sign-ins of the user after the revocation,
 * from the sign-in log. Tenants without Entra ID P1/P2 have no sign-in log: "not checked", and why.
 */
export async function watchSignIns(graph: GraphApi, { user, revoked, since, until }: WatchRequest): Promise<{ events: WatchEvent[]; skipped?: string }> {
  const userId = revoked.find((r) => r.kind === 'account' || r.kind === 'sessions' || r.kind === 'user')?.id ?? (await readUser(graph, user))?.id;
  if (!userId) return { events: [], skipped: `${user} is not in the tenant any more and the report names no object id` };
  const clauses = [`userId eq '${userId}'`, `createdDateTime ge ${since.toISOString()}`, ...(until ? [`createdDateTime le ${until.toISOString()}`] : [])];
  let signIns: SignIn[];
  try {
    signIns = await graph.list<SignIn>(`/auditLogs/signIns?$filter=${encodeURIComponent(clauses.join(' and '))}`);
  } catch (error) {
    if (statusOf(error) === 403) return { events: [], skipped: `the sign-in log is not available (it needs Entra ID P1 or P2 and AuditLog.Read.All): ${(error as Error).message.split('\n')[0]}` };
    throw error;
  }
  return {
    events: signIns.map((s) => ({
      id: s.id,
      time: s.createdDateTime,
      what: `${s.isInteractive ? 'interactive' : 'non-interactive'} sign-in to ${s.appDisplayName ?? 'an application'}${s.status?.errorCode ? ` refused (${s.status.errorCode}${s.status.failureReason ? `: ${s.status.failureReason}` : ''})` : ''}`,
      outcome: s.status?.errorCode ? ('denied' as const) : ('allowed' as const),
    })),
  };
}
