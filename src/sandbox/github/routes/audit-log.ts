import { notFound, org, requireAdmin, type Route } from '../http.js';

/** The Enterprise Cloud org audit log: what users' tokens did, searchable by phrase. */
export const auditLogRoutes: Route[] = [
  ['GET', '/orgs/{org}/audit-log', (state, request) => {
    const o = org(state, request.params.org);
    if (!o.auditLog) throw notFound(); // not Enterprise Cloud
    requireAdmin(o, request.caller, ['admin:org', 'read:audit_log'], ['organization_administration', 'read']);
    const phrase = String(request.query.phrase ?? '');
    const actor = /actor:(\S+)/.exec(phrase)?.[1];
    const from = /created:>=(\S+)/.exec(phrase)?.[1];
    const entries = o.auditLog.filter((e) => (!actor || e.actor.toLowerCase() === actor.toLowerCase()) && (!from || e.at >= new Date(from.endsWith('Z') ? from : `${from}Z`)));
    return {
      status: 200,
      body: entries.map((e) => ({ '@timestamp': e.at.getTime(), _document_id: e.id, action: e.action, actor: e.actor, org: o.login, created_at: e.at.getTime(), operation_type: 'access' })),
    };
  }],
];
