import { isNoSuchEntity, unlessGone } from '../aws-errors.js';
import { ago } from '../../types.js';
import { outcome, Phase, type IamKind } from '../kind.js';

export const loginProfile: IamKind = {
  name: 'login-profile',
  description: 'console password: deleted in both modes (a new one can be created later)',
  permissions: ['iam:GetLoginProfile', 'iam:GetUser', 'iam:DeleteLoginProfile'],
  reversible: false,
  async discover({ iam }, { user, recentMs }) {
    try {
      const [{ LoginProfile: profile }, { User: details }] = await Promise.all([iam.getLoginProfile({ UserName: user }), iam.getUser({ UserName: user })]);
      const used = details?.PasswordLastUsed;
      const recent = used !== undefined && Date.now() - used.getTime() <= recentMs;
      return [
        {
          id: 'login-profile',
          kind: 'login-profile',
          label: `console password (set ${profile?.CreateDate?.toISOString().slice(0, 10) ?? '?'}${used ? `, last used ${ago(used)}` : ', never used'})`,
          phase: Phase.Credentials,
          details: { passwordLastUsed: used ? used.toISOString() : false },
          ...(recent ? { warnings: [`${user} signed in to the console ${ago(used)}: they may be working right now`] } : {}),
        },
      ];
    } catch (error) {
      if (isNoSuchEntity(error)) return [];
      throw error;
    }
  },
  async revoke({ iam }, _finding, { user }) {
    return outcome(await unlessGone(() => iam.deleteLoginProfile({ UserName: user })), 'deleted');
  },
  notRestorable: (_finding, { user }) => ({
    reason: 'a deleted console password cannot be restored: create a new login profile with password reset required',
    instead: `aws iam create-login-profile --user-name ${user} --password-reset-required --password '<a temporary password>'`,
  }),
};
