import { findUser, Phase, removeOrConfirmGone, stillListed, type OktaKind } from '../kind.js';

interface Factor {
  id: string;
  factorType: string;
  provider?: string;
  status?: string;
  created?: string;
}

/** Enrolled factors: reset in delete mode, or in disable mode when the step says resetFactors: true. */
export const factors: OktaKind = {
  name: 'factors',
  description: 'enrolled MFA factors: reset (delete mode, or resetFactors: true)',
  permissions: ['okta.users.manage'],
  reversible: false,
  async discover(context, { user, mode, resetFactors }) {
    if (mode !== 'delete' && !resetFactors) return { skipped: 'factors are reset only in delete mode or with resetFactors: true (re-enrolling them needs the person)' };
    const person = await findUser(context, user);
    if (!person) return [];
    const enrolled = await context.http.get<Factor[]>(`/api/v1/users/${person.id}/factors`);
    return enrolled.map((factor) => ({
      id: factor.id,
      kind: 'factors',
      label: `${factor.factorType} factor (${factor.provider ?? 'unknown provider'}${factor.created ? `, enrolled ${factor.created.slice(0, 10)}` : ''})`,
      phase: Phase.Access,
      details: { userId: person.id, factorType: factor.factorType, ...(factor.provider ? { provider: factor.provider } : {}) },
    }));
  },
  async revoke(context, finding) {
    const userId = String(finding.details?.userId);
    const factorsPath = `/api/v1/users/${userId}/factors`;
    return removeOrConfirmGone(finding.label, () => context.http.send('DELETE', `${factorsPath}/${finding.id}`), stillListed(context, factorsPath, finding.id));
  },
  notRestorable: () => ({ reason: 'reset factors cannot be restored: the person enrolls them again' }),
};
