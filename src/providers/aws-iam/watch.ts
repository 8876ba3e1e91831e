import { ListRegionsCommand } from '@aws-sdk/client-account';
import { LookupEventsCommand, type CloudTrailClient, type Event } from '@aws-sdk/client-cloudtrail';
import type { WatchEvent, WatchRequest } from '../types.js';
import { awsErrorText, isNoSuchEntity } from './aws-errors.js';
import type { IamContext } from './kind.js';

// Static SDK imports are fine here: this module is itself loaded lazily, only by `revoke watch`.

/**
 * After a revocation: CloudTrail events by the user name and by each revoked access key since
 * then (denied calls included), in every region the account has enabled (or the provider's
 * `watchRegions`): CloudTrail is regional, and a key used in eu-west-1 is only recorded there.
 * Regions that cannot be listed or read are named in `skipped`: the watch did not look there.
 * Then GetAccessKeyLastUsed for keys that were only deactivated.
 */
export async function watchIam(context: IamContext, request: WatchRequest): Promise<{ events: WatchEvent[]; skipped?: string }> {
  const { regions, notListed } = await regionsToWatch(context);
  const keys = request.revoked.filter((r) => r.kind === 'access-keys').map((r) => r.id);
  const lookups = [{ AttributeKey: 'Username' as const, AttributeValue: request.user }, ...keys.map((id) => ({ AttributeKey: 'AccessKeyId' as const, AttributeValue: id }))];
  const seen = new Map<string, WatchEvent>();
  const unreadable: string[] = [];

  async function lookInRegion(cloudTrail: CloudTrailClient, region: string) {
    for (const attribute of lookups) {
      let token: string | undefined;
      do {
        const page = await cloudTrail.send(
          new LookupEventsCommand({ LookupAttributes: [attribute], StartTime: request.since, ...(request.until ? { EndTime: request.until } : {}), MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
        );
        for (const event of page.Events ?? []) if (event.EventId && !seen.has(`${region}/${event.EventId}`)) seen.set(`${region}/${event.EventId}`, toWatchEvent(event, region));
        token = page.NextToken;
      } while (token);
    }
  }
  await Promise.all(
    regions.map(async (region) => {
      try {
        await lookInRegion(await context.cloudTrail!(region), region);
      } catch (error) {
        unreadable.push(`${region} (${awsErrorText(error)})`);
      }
    }),
  );

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
  const skipped = [notListed, unreadable.length > 0 ? `CloudTrail not readable in ${unreadable.sort().join(', ')}: use there is not checked` : undefined].filter(Boolean).join('; ');
  return { events: [...seen.values()].sort((a, b) => a.time.localeCompare(b.time)), ...(skipped ? { skipped } : {}) };
}

/** Listed once per connection: `--follow` polls CloudTrail, not the account's region list. */
const listedRegions = new WeakMap<IamContext, Promise<{ regions: string[]; notListed?: string }>>();

function regionsToWatch(context: IamContext): Promise<{ regions: string[]; notListed?: string }> {
  let listed = listedRegions.get(context);
  if (!listed) listedRegions.set(context, (listed = listRegionsToWatch(context)));
  return listed;
}

/** The provider's `watchRegions`, else every region Account ListRegions says is enabled; else the provider's region, saying why. */
async function listRegionsToWatch(context: IamContext): Promise<{ regions: string[]; notListed?: string }> {
  if (context.watchRegions) return { regions: context.watchRegions };
  const fallback = await (await context.cloudTrail!()).config.region();
  try {
    const account = await context.account!();
    const regions: string[] = [];
    let token: string | undefined;
    do {
      const page = await account.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50, ...(token ? { NextToken: token } : {}) }));
      regions.push(...(page.Regions ?? []).map((r) => r.RegionName!).filter(Boolean));
      token = page.NextToken;
    } while (token);
    return regions.length > 0 ? { regions } : { regions: [fallback], notListed: `the account lists no enabled region; read CloudTrail only in ${fallback}` };
  } catch (error) {
    return {
      regions: [fallback],
      notListed: `could not list the account's enabled regions (${awsErrorText(error)}); read CloudTrail only in ${fallback}, other regions are not checked (allow account:ListRegions, or set watchRegions on the provider)`,
    };
  }
}

function toWatchEvent(event: Event, region: string): WatchEvent {
  let errorCode: string | undefined;
  try {
    errorCode = (JSON.parse(event.CloudTrailEvent ?? '{}') as { errorCode?: string }).errorCode;
  } catch {
    errorCode = undefined;
  }
  return {
    id: event.EventId!,
    time: (event.EventTime ?? new Date(0)).toISOString(),
    what: `${event.EventSource ?? 'aws'} ${event.EventName ?? '?'} in ${region}${event.AccessKeyId ? ` with access key ${event.AccessKeyId}` : ''}${errorCode ? `: ${errorCode}` : ''}`,
    outcome: errorCode ? 'denied' : 'allowed',
  };
}
