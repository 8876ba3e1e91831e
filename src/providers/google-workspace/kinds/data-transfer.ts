import { InvalidInputError } from '../../../errors.js';
import { driveUsedMb } from '../drive-usage.js';
import { DELETE_ONLY, domainOf, Phase, statusOf, type GoogleContext, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** The Data Transfer applications moved before a delete, with the parameters that move everything. */
const APPLICATIONS: Record<string, Array<{ key: string; value: string[] }>> = {
  'Drive and Docs': [{ key: 'PRIVACY_LEVEL', value: ['PRIVATE', 'SHARED'] }],
  Calendar: [{ key: 'RELEASE_RESOURCES', value: ['TRUE'] }],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function userId(directory: GoogleContext['directory'], email: string): Promise<string> {
  const { data } = await directory.users.get({ userKey: email, projection: 'basic' });
  return data.id!;
}

/** Drive and Calendar ownership moved to `transferTo` (Data Transfer API), polled to completion. */
export const dataTransfer: GoogleKind = {
  name: 'data-transfer',
  mayRefuse: true,
  description: 'before delete: Drive and Calendar ownership transferred to transferTo (Data Transfer API), waited for',
  permissions: [Scope.transfer, Scope.usage],
  reversible: false,
  async discover({ directory, transfer, reports, domains }, { user, mode, transferTo }) {
    if (mode !== 'delete') return { skipped: DELETE_ONLY };
    if (!transferTo) return { skipped: 'no transferTo: nothing is transferred (deleting the user is refused while they own Drive data)' };
    const target = transferTo.toLowerCase();
    if (target === user) throw new InvalidInputError(`transferTo is ${user} itself`, 'set transferTo: to the manager or a team account');
    if (!domains.includes(domainOf(target))) throw new InvalidInputError(`transferTo ${target} is not in ${domains.join(', ')}`, 'transfer to a user of the same Google Workspace customer');
    let receiver;
    try {
      ({ data: receiver } = await directory.users.get({ userKey: target, projection: 'basic' }));
    } catch (error) {
      if (statusOf(error) === 404) throw new InvalidInputError(`transferTo ${target} does not exist`, 'set transferTo: to an existing, active user');
      throw error;
    }
    if (receiver.suspended) throw new InvalidInputError(`transferTo ${target} is suspended and cannot receive data`, 'set transferTo: to an active user');
    const fromId = await userId(directory, user);
    const { data: done } = await transfer.transfers.list({ oldOwnerUserId: fromId, newOwnerUserId: receiver.id!, status: 'completed' });
    if ((done.dataTransfers ?? []).length > 0) return [];
    const mb = await driveUsedMb(reports, user);
    return [
      {
        id: `to:${target}`,
        kind: 'data-transfer',
        label: `Drive and Calendar of ${user} transferred to ${target}${mb !== undefined ? ` (${mb} MB in Drive)` : ''}`,
        phase: Phase.Transfer,
        details: { to: target, driveUsedMb: mb ?? 'unknown' },
      },
    ];
  },
  async revoke({ directory, transfer, write, transferPollMs, transferTimeoutMs }, finding, { user }) {
    const to = String(finding.details?.to ?? finding.id.slice(3));
    const [fromId, toId] = await Promise.all([userId(directory, user), userId(directory, to)]);
    const { data: apps } = await transfer.applications.list({ maxResults: 100 });
    const applicationDataTransfers = (apps.applications ?? [])
      .filter((app) => app.name && APPLICATIONS[app.name])
      .map((app) => ({ applicationId: app.id!, applicationTransferParams: APPLICATIONS[app.name!] }));
    if (applicationDataTransfers.length === 0) throw new Error('the Data Transfer API offers neither Drive nor Calendar for this customer');
    const { data: started } = await write(() => transfer.transfers.insert({ requestBody: { oldOwnerUserId: fromId, newOwnerUserId: toId, applicationDataTransfers } }));
    const deadline = Date.now() + transferTimeoutMs;
    for (;;) {
      const { data: current } = await transfer.transfers.get({ dataTransferId: started.id! });
      if (current.overallTransferStatusCode === 'completed') return { status: 'revoked', detail: `transfer ${started.id} completed` };
      if (current.overallTransferStatusCode === 'failed') throw new Error(`transfer ${started.id} to ${to} failed: nothing was deleted; see Admin console > Data transfers`);
      if (Date.now() > deadline) throw new Error(`transfer ${started.id} to ${to} still ${current.overallTransferStatusCode} after ${Math.round(transferTimeoutMs / 60_000)} min: run again later (the user is not deleted before it completes)`);
      await sleep(transferPollMs);
    }
  },
};
