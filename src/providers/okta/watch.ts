import type { WatchEvent, WatchRequest } from '../types.js';
import { findUser, oktaErrorText, statusOf, type OktaContext } from './kind.js';

interface LogEvent {
  uuid: string;
  published: string;
  eventType: string;
  displayMessage?: string;
  outcome?: { result?: string; reason?: string };
}

/** Okta's System Log results that mean Okta refused what was tried. */
const REFUSED = new Set(['FAILURE', 'DENY']);

/**
 * `revoke watch`: the System Log entries whose actor is the person since the revocation (sign-in
 * attempts, token use, failures). A deleted user is found by the id the run recorded.
 */
export async function watchOkta(context: OktaContext, { user, revoked, since, until }: WatchRequest): Promise<{ events: WatchEvent[]; skipped?: string }> {
  const recordedId = revoked.find((r) => r.kind === 'user' || r.kind === 'suspend' || r.kind === 'sessions')?.id;
  const userId = (await findUser(context, user))?.id ?? recordedId;
  if (!userId) return { events: [], skipped: `${user} is not in ${context.host} and the report recorded no Okta user id to look for` };
  const query: Record<string, string> = { since: since.toISOString(), filter: `actor.id eq "${userId}"`, limit: '1000', sortOrder: 'ASCENDING' };
  if (until) query.until = until.toISOString();
  let entries: LogEvent[];
  try {
    entries = await context.http.list<LogEvent>('/api/v1/logs', query);
  } catch (error) {
    if (statusOf(error) === 403) return { events: [], skipped: `the System Log of ${context.host} is not readable with these credentials (okta.logs.read or an admin role needed: ${oktaErrorText(error)})` };
    throw error;
  }
  return {
    events: entries.map((entry) => ({
      id: entry.uuid,
      time: entry.published,
      what: `Okta System Log: ${entry.eventType}${entry.displayMessage ? ` (${entry.displayMessage})` : ''} by ${user}`,
      outcome: REFUSED.has(entry.outcome?.result ?? '') ? 'denied' : 'allowed',
    })),
  };
}
