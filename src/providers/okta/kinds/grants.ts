import type { Finding } from '../../types.js';
import { findUser, Phase, removeOrConfirmGone, stillListed, type OktaKind } from '../kind.js';

interface Grant {
  id: string;
  clientId: string;
  scopeId: string;
  created?: string;
}
interface Client {
  client_id: string;
  client_name?: string;
}
interface RefreshToken {
  id: string;
  clientId: string;
  created?: string;
  scopes?: string[];
}

/** Consent grants (scopes the person consented to for a client) and refresh tokens per client. */
export const grants: OktaKind = {
  name: 'grants',
  description: 'OAuth consent grants and refresh tokens, per client: revoked',
  permissions: ['okta.users.manage'],
  reversible: false,
  async discover(context, { user }) {
    const person = await findUser(context, user);
    if (!person) return [];
    const base = `/api/v1/users/${person.id}`;
    const [consents, clients] = await Promise.all([context.http.list<Grant>(`${base}/grants`, { limit: '200' }), context.http.list<Client>(`${base}/clients`)]);
    const names = new Map(clients.map((c) => [c.client_id, c.client_name ?? c.client_id]));
    const findings: Finding[] = consents.map((grant) => ({
      id: `grant:${grant.id}`,
      kind: 'grants',
      label: `consent grant of scope ${grant.scopeId} to ${names.get(grant.clientId) ?? grant.clientId}`,
      phase: Phase.Credentials,
      details: { userId: person.id, grantId: grant.id, clientId: grant.clientId, scopeId: grant.scopeId },
    }));
    for (const client of clients) {
      const tokens = await context.http.list<RefreshToken>(`${base}/clients/${encodeURIComponent(client.client_id)}/tokens`, { limit: '200' });
      for (const token of tokens) {
        findings.push({
          id: `token:${client.client_id}:${token.id}`,
          kind: 'grants',
          label: `refresh token for ${client.client_name ?? client.client_id}${token.created ? ` (issued ${token.created.slice(0, 10)})` : ''}`,
          phase: Phase.Credentials,
          details: { userId: person.id, tokenId: token.id, clientId: client.client_id, scopes: (token.scopes ?? []).join(' ') },
        });
      }
    }
    return findings;
  },
  async revoke(context, finding) {
    const { userId, grantId, tokenId, clientId } = finding.details as Record<string, string>;
    const [list, id] = grantId ? [`/api/v1/users/${userId}/grants`, grantId] : [`/api/v1/users/${userId}/clients/${encodeURIComponent(clientId!)}/tokens`, tokenId!];
    return removeOrConfirmGone(finding.label, () => context.http.send('DELETE', `${list}/${id}`), stillListed(context, list, id));
  },
  notRestorable: () => ({ reason: 'revoked OAuth grants and tokens cannot be restored: the person consents again' }),
};
