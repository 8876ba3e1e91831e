import { InvalidInputError } from '../../errors.js';
import { allPages, domainOf, googleErrorText, statusOf, type GoogleContext, type GoogleRequest } from './kind.js';

/** Whether the user was deleted recently (Google keeps deleted users listable for 20 days). */
async function recentlyDeleted({ directory, customer }: GoogleContext, user: string): Promise<boolean> {
  const deleted = await allPages(async (pageToken) => {
    const { data } = await directory.users.list({ customer, showDeleted: 'true', maxResults: 500, ...(pageToken ? { pageToken } : {}) });
    return { items: data.users, nextPageToken: data.nextPageToken };
  });
  return deleted.some((u) => u.primaryEmail?.toLowerCase() === user);
}

/**
 * Runs before any kind is discovered, so every refusal comes before any change: the user must be
 * in one of the provider's domains, exist (or have been deleted: nothing left to do), be named by
 * the primary email (an alias would slip past protect: and the self-lockout guard), and not be a
 * super admin unless the step allows it.
 */
export async function checkTarget(context: GoogleContext, { user, allowSuperAdmin }: GoogleRequest): Promise<'absent' | void> {
  const domain = domainOf(user);
  if (!context.domains.includes(domain)) {
    throw new InvalidInputError(`${user} is not in ${context.domains.join(', ')}, the domains of this provider`, `check the address, or add ${domain} to domains: if the same customer owns it`);
  }
  // Connect's check of the impersonated admin is read beside the target: one round trip, and its refusal comes first.
  const [admin, target] = await Promise.allSettled([context.adminChecked, context.directory.users.get({ userKey: user, projection: 'basic' })]);
  if (admin.status === 'rejected') throw admin.reason;
  if (target.status === 'rejected') {
    const error: unknown = target.reason;
    // Google answers 403 for a user of a domain this customer does not own (or the admin may not manage).
    if (statusOf(error) === 403) {
      throw new InvalidInputError(`the impersonated admin ${context.subject} may not see ${user}: ${googleErrorText(error)}`, `check that ${domain} belongs to this Google Workspace customer (domains:) and that the admin manages the user's organizational unit`);
    }
    if (statusOf(error) !== 404) throw error;
    if (await recentlyDeleted(context, user)) return 'absent';
    throw new InvalidInputError(`there is no user ${user} in ${domain} (nor one deleted in the last 20 days)`, 'check the spelling; give the primary email address');
  }
  const profile = target.value.data;
  const primary = (profile.primaryEmail ?? '').toLowerCase();
  if (primary !== user) throw new InvalidInputError(`${user} is an alias of ${primary}`, `run with the primary email: revoke user ${primary} ...`);
  if (primary === context.subject) throw new InvalidInputError(`${user} is the admin this provider impersonates (subject:); revoking it would lock revoke out`, 'impersonate another admin (subject:) to revoke this one');
  if (profile.isAdmin && !allowSuperAdmin) {
    throw new InvalidInputError(`${user} is a super admin; refusing to revoke a super admin`, 'add allowSuperAdmin: true to the step if this is intended');
  }
}
