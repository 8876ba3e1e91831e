import { LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import type { WatchEvent, WatchRequest } from '../types.js';
import { isNoSuchEntity } from './aws-errors.js';
import type { IamContext } from './kind.js';

/**
 * After a revocation: CloudTrail events by the user name and by each revoked access key since
 * then (denied calls included), and GetAccessKeyLastUsed for keys that were only deactivated.
 */
export async function watchIam(context: IamContext, request: WatchRequest): Promise<{ events: WatchEvent[] }> {
  const cloudTrail = await context.cloudTrail!();
  const keys = request.revoked.filter((r) => r.kind === 'access-keys').map((r) => r.id);
  const lookups = [{ AttributeKey: 'Username' as const, AttributeValue: request.user }, ...keys.map((id) => ({ AttributeKey: 'AccessKeyId' as const, AttributeValue: id }))];
  const seen = new Map<string, WatchEvent>();
  for (const attribute of lookups) {
    let token: string | undefined;
    do {
      const page = await cloudTrail.send(
        new LookupEventsCommand({ LookupAttributes: [attribute], StartTime: request.since, ...(request.until ? { EndTime: request.until } : {}), MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
      );
      for (const event of page.Events ?? []) if (event.EventId && !seen.has(event.EventId)) seen.set(event.EventId, toWatchEvent(event));
      token = page.NextToken;
    } while (token);
  }
  for (const key of request.revoked.filter((r) => r.kind === 'access-keys' && r.detail === 'set Inactive')) {
    try {
      const { AccessKeyLastUsed: used } = await context.iam.getAccessKeyLastUsed({ AccessKeyId: key.id });
      if (used?.LastUsedDate && used.LastUsedDate >= request.since) {
        seen.set(`last-used-${key.id}`, { id: `last-used-${key.id}`, time: used.LastUsedDate.toISOString(), what: `deactivated access key ${key.id} was used (${used.ServiceName}, ${used.Region})`, outcome: 'allowed' });
      }
    } catch (error) {
      if (!isNoSuchEntity(error)) throw error;
    }
  }
  return { events: [...seen.values()].sort((a, b) => a.time.localeCompare(b.time)) };
}

function toWatchEvent(event: Event): WatchEvent {
  let errorCode: string | undefined;
  try {
    errorCode = (JSON.parse(event.CloudTrailEvent ?? '{}') as { errorCode?: string }).errorCode;
  } catch {
    errorCode = undefined;
  }
  return {
    id: event.EventId!,
    time: (event.EventTime ?? new Date(0)).toISOString(),
    what: `${event.EventSource ?? 'aws'} ${event.EventName ?? '?'}${event.AccessKeyId ? ` with access key ${event.AccessKeyId}` : ''}${errorCode ? `: ${errorCode}` : ''}`,
    outcome: errorCode ? 'denied' : 'allowed',
  };
}
