import { ago } from '../../types.js';
import type { GraphApi } from '../graph-api.js';
import { finding, Phase, targetOf, statusOf, userPath, type EntraKind } from '../kind.js';

interface Device {
  '@odata.type'?: string;
  id: string;
  displayName?: string;
  accountEnabled?: boolean;
  operatingSystem?: string;
  approximateLastSignInDateTime?: string | null;
}

interface Page {
  value: Device[];
  '@odata.nextLink'?: string;
}

/** Owned and registered devices in one $batch round trip (further pages, if any, one by one). */
async function devicesOf(graph: GraphApi, userId: string): Promise<Device[]> {
  const select = '?$select=id,displayName,accountEnabled,operatingSystem,approximateLastSignInDateTime';
  const answers = await graph.batchGet([`${userPath(userId)}/ownedDevices${select}`, `${userPath(userId)}/registeredDevices${select}`]);
  const byId = new Map<string, Device>();
  for (const answer of answers) {
    if (answer.status !== 200) throw Object.assign(new Error(`listing devices: HTTP ${answer.status} ${JSON.stringify((answer.body as { error?: { code?: string } })?.error?.code ?? '')}`), { statusCode: answer.status });
    let page = answer.body as Page;
    for (;;) {
      for (const device of page.value) if (!device['@odata.type'] || device['@odata.type'] === '#microsoft.graph.device') byId.set(device.id, device);
      if (!page['@odata.nextLink']) break;
      page = await graph.get<Page>(page['@odata.nextLink']);
    }
  }
  return [...byId.values()];
}

/** The user's owned and registered devices disabled (accountEnabled: false); reversible. */
export const devices: EntraKind = {
  name: 'devices',
  description: 'devices the user owns or registered: disabled (accountEnabled false, the device can no longer get tokens)',
  permissions: ['Device.ReadWrite.All'],
  reversible: false,
  async discover(context, request) {
    const { graph } = context;
    const user = await targetOf(context, request);
    if (!user) return [];
    const now = Date.now();
    return (await devicesOf(graph, user.id))
      .filter((d) => d.accountEnabled !== false)
      .map((d) => {
        const last = d.approximateLastSignInDateTime ? new Date(d.approximateLastSignInDateTime) : undefined;
        const recent = last && now - last.getTime() < request.recentMs ? [`device ${d.displayName ?? d.id} of ${user.userPrincipalName} signed in ${ago(last, now)}: it is in use`] : [];
        return finding('devices', user, d.id, `device ${d.displayName ?? d.id}${d.operatingSystem ? ` (${d.operatingSystem})` : ''}`, Phase.Access, { wasEnabled: true, ...(last ? { lastSignIn: last.toISOString() } : {}) }, recent);
      });
  },
  async revoke({ graph }, found) {
    try {
      await graph.patch(`/devices/${encodeURIComponent(found.id)}`, { accountEnabled: false });
      return { status: 'revoked', detail: 'device disabled' };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      try {
        await graph.get(`/devices/${encodeURIComponent(found.id)}?$select=id`);
      } catch (read) {
        if (statusOf(read) === 404) return { status: 'already-gone' };
        throw read;
      }
      throw new Error(`Graph answered 404 to disabling ${found.label}, but it still exists: check Device.ReadWrite.All`);
    }
  },
  notRestorable: () => ({ reason: 'disabled devices are not re-enabled by revoke restore', instead: 'enable them again: PATCH /devices/{id} {"accountEnabled": true} (the report lists them)' }),
};
