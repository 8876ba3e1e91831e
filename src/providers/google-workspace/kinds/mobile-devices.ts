import { allPages, DELETE_ONLY, Phase, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** Device states in which a wipe has already been sent. */
const WIPED = new Set(['WIPING', 'WIPED', 'ACCOUNT_WIPING', 'ACCOUNT_WIPED']);

/** Managed phones and tablets: the work account wiped (admin_account_wipe), the whole device only with `wipe: device`. */
export const mobileDevices: GoogleKind = {
  name: 'mobile-devices',
  description: 'managed mobile devices: work account wiped (admin_account_wipe); the whole device only with wipe: device',
  permissions: [Scope.mobileRead, Scope.mobile],
  reversible: false,
  async discover({ directory, customer }, { user, mode, wipe }) {
    if (mode !== 'delete') return { skipped: DELETE_ONLY };
    const devices = await allPages(async (pageToken) => {
      const { data } = await directory.mobiledevices.list({ customerId: customer, query: `email:${user}`, maxResults: 100, projection: 'BASIC', ...(pageToken ? { pageToken } : {}) });
      return { items: data.mobiledevices, nextPageToken: data.nextPageToken };
    });
    return devices
      .filter((device) => device.email?.some((e) => e.toLowerCase() === user) && !WIPED.has(device.status ?? ''))
      .map((device) => ({
        id: device.resourceId!,
        kind: 'mobile-devices',
        label: `${wipe === 'device' ? 'FULL WIPE of' : 'work account wiped from'} ${device.model ?? 'device'} (${device.os ?? 'unknown OS'}${device.lastSync ? `, last sync ${device.lastSync.slice(0, 10)}` : ''})`,
        phase: Phase.Access,
        details: { model: device.model ?? '', os: device.os ?? '', status: device.status ?? '', wipe },
        ...(wipe === 'device' ? { warnings: [`wipe: device erases the whole ${device.model ?? 'device'}, personal data included`] } : {}),
      }));
  },
  async revoke({ directory, customer, write }, finding, { wipe }) {
    const action = wipe === 'device' ? 'admin_remote_wipe' : 'admin_account_wipe';
    await write(() => directory.mobiledevices.action({ customerId: customer, resourceId: finding.id, requestBody: { action } }));
    return { status: 'revoked', detail: action };
  },
};
