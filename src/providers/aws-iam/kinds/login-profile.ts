import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { outcome, Phase, type IamKind } from '../kind.js';

export const loginProfile: IamKind = {
  name: 'login-profile',
  description: 'console password: deleted in both modes (a new one can be created later)',
  permissions: ['iam:GetLoginProfile', 'iam:DeleteLoginProfile'],
  reversible: false,
  async discover({ iam }, { user }) {
    try {
      const { LoginProfile: profile } = await iam.getLoginProfile({ UserName: user });
      return [{ id: 'login-profile', kind: 'login-profile', label: `console password (set ${profile?.CreateDate?.toISOString().slice(0, 10) ?? '?'})`, phase: Phase.Credentials }];
    } catch (error) {
      if (isNoSuchEntity(error)) return [];
      throw error;
    }
  },
  async revoke({ iam }, _finding, { user }) {
    return outcome(await unlessGone(() => iam.deleteLoginProfile({ UserName: user })), 'deleted');
  },
};
