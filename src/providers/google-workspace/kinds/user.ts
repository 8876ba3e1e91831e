import { InvalidInputError } from '../../../errors.js';
import { driveUsedMb } from '../drive-usage.js';
import { DELETE_ONLY, exists, Phase, removeOrConfirmGone, type GoogleKind } from '../kind.js';
import { Scope } from '../scopes.js';

/** The account itself, deleted last (users.delete); refused while it owns Drive data and no transferTo is set. */
export const user: GoogleKind = {
  name: 'user',
  mayRefuse: true,
  description: 'the account: deleted last (an admin can restore it for 20 days); refused while it owns Drive data without transferTo',
  permissions: [Scope.user, Scope.usage],
  reversible: false,
  async discover({ reports }, { user: email, mode, transferTo }) {
    if (mode !== 'delete') return { skipped: DELETE_ONLY };
    const mb = transferTo ? undefined : await driveUsedMb(reports, email);
    if (mb !== undefined && mb > 0) {
      throw new InvalidInputError(`${email} owns ${mb} MB of Drive data and the step has no transferTo: deleting them would lose those files`, `add transferTo: <manager@domain> and the data-transfer kind to the step`);
    }
    return [
      {
        id: 'delete-user',
        kind: 'user',
        label: `${email} deleted (restorable by an admin for 20 days)`,
        phase: Phase.Delete,
        details: { driveUsedMb: mb ?? (transferTo ? 'transferred' : 'unknown') },
        ...(mb === undefined && !transferTo ? { warnings: [`Google has no Drive usage report for ${email} yet: any files they own are deleted with them`] } : {}),
      },
    ];
  },
  async revoke({ directory, write }, _finding, { user: email }) {
    return removeOrConfirmGone(
      `the account ${email}`,
      () => write(() => directory.users.delete({ userKey: email })),
      () => exists(() => directory.users.get({ userKey: email, projection: 'basic' })),
    );
  },
  notRestorable: (_finding, { user: email }) => ({ reason: `the account ${email} was deleted`, instead: `an admin restores it within 20 days: gam undelete user ${email}`, identityRemoved: true }),
};
