import type { WatchEvent, WatchRequest } from '../types.js';
import { allPages, googleErrorText, statusOf, type GoogleContext } from './kind.js';

/** The Reports API applications that show use of an account: sign-ins, OAuth tokens, admin actions. */
const APPLICATIONS = ['login', 'token', 'admin'] as const;

/** Events that are refusals, not use. */
const DENIED = new Set(['login_failure', 'login_challenge', 'account_disabled_generic', 'suspended_user_login_attempt']);

/**
 * `revoke watch`: the person's login, token and admin activity since the revocation (Reports API
 * activities.list). Google's reports lag from minutes (login) to hours.
 */
export async function watchGoogle({ reports }: GoogleContext, { user, since, until }: WatchRequest): Promise<{ events: WatchEvent[]; skipped?: string }> {
  const events: WatchEvent[] = [];
  for (const applicationName of APPLICATIONS) {
    let activities;
    try {
      activities = await allPages(async (pageToken) => {
        const { data } = await reports.activities.list({
          userKey: user,
          applicationName,
          startTime: since.toISOString(),
          ...(until ? { endTime: until.toISOString() } : {}),
          maxResults: 1000,
          ...(pageToken ? { pageToken } : {}),
        });
        return { items: data.items, nextPageToken: data.nextPageToken };
      });
    } catch (error) {
      const status = statusOf(error);
      if (status === 403 || status === 401) return { events, skipped: `the Reports API is not available to these credentials: ${googleErrorText(error)}` };
      throw new Error(`reading ${applicationName} activity of ${user}: ${googleErrorText(error)}`);
    }
    for (const activity of activities) {
      for (const [i, event] of (activity.events ?? []).entries()) {
        const name = event.name ?? 'event';
        const app = event.parameters?.find((p) => p.name === 'app_name')?.value;
        events.push({
          id: `${activity.id?.uniqueQualifier ?? activity.id?.time}-${applicationName}-${i}`,
          time: activity.id?.time ?? since.toISOString(),
          what: `Google ${applicationName}: ${name}${app ? ` (${app})` : ''}${activity.ipAddress ? ` from ${activity.ipAddress}` : ''}`,
          outcome: DENIED.has(name) ? 'denied' : 'allowed',
        });
      }
    }
  }
  return { events: events.sort((a, b) => a.time.localeCompare(b.time)) };
}
