import type { IAM } from '@aws-sdk/client-iam';
import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { collectPages, outcome, Phase, type IamKind } from '../kind.js';

export const managedPolicies: IamKind = {
  name: 'managed-policies',
  description: 'managed policies attached to the user: detached in delete mode; left alone in disable mode',
  permissions: ['iam:ListAttachedUserPolicies', 'iam:DetachUserPolicy', 'iam:AttachUserPolicy'],
  reversible: true,
  async discover({ iam, pageSize }, { user, mode }) {
    if (mode === 'disable') return [];
    const attached = await collectPages(async (marker) => {
      const page = await iam.listAttachedUserPolicies({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.AttachedPolicies };
    });
    return attached.map((p) => ({ id: p.PolicyArn!, kind: 'managed-policies', label: `managed policy ${p.PolicyName} (${p.PolicyArn})`, phase: Phase.Attachments }));
  },
  async revoke({ iam }, finding, { user }) {
    return outcome(await unlessGone(() => iam.detachUserPolicy({ UserName: user, PolicyArn: finding.id })), 'detached');
  },

  // `revoke restore`: attached again, if the user still exists (AttachUserPolicy fails on a deleted policy).
  async planRestore({ iam, pageSize }, finding, { user }) {
    const attached = await attachedArns(iam, pageSize, user);
    if (!attached) return { action: 'conflict', reason: `IAM user ${user} no longer exists` };
    return { action: 'restore', what: attached.includes(finding.id) ? `${finding.id} is attached already` : `attach ${finding.id} again` };
  },
  async restore({ iam, pageSize }, finding, { user }) {
    const attached = await attachedArns(iam, pageSize, user);
    if (!attached) return { status: 'conflict', reason: `IAM user ${user} no longer exists` };
    if (attached.includes(finding.id)) return { status: 'already-restored' };
    if ((await unlessGone(() => iam.attachUserPolicy({ UserName: user, PolicyArn: finding.id }))) === 'gone') return { status: 'conflict', reason: `policy ${finding.id} no longer exists` };
    return { status: 'restored', detail: 'attached' };
  },
};

async function attachedArns(iam: IAM, pageSize: number, user: string): Promise<string[] | undefined> {
  try {
    const attached = await collectPages(async (marker) => {
      const page = await iam.listAttachedUserPolicies({ UserName: user, MaxItems: pageSize, ...(marker ? { Marker: marker } : {}) });
      return { ...page, items: page.AttachedPolicies };
    });
    return attached.map((p) => p.PolicyArn!);
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}
