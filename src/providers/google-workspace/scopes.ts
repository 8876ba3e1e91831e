/** The OAuth scopes the provider uses, named once. */
export const Scope = {
  user: 'https://www.googleapis.com/auth/admin.directory.user',
  userSecurity: 'https://www.googleapis.com/auth/admin.directory.user.security',
  mobile: 'https://www.googleapis.com/auth/admin.directory.device.mobile.action',
  mobileRead: 'https://www.googleapis.com/auth/admin.directory.device.mobile.readonly',
  group: 'https://www.googleapis.com/auth/admin.directory.group',
  roles: 'https://www.googleapis.com/auth/admin.directory.rolemanagement',
  transfer: 'https://www.googleapis.com/auth/admin.datatransfer',
  usage: 'https://www.googleapis.com/auth/admin.reports.usage.readonly',
  audit: 'https://www.googleapis.com/auth/admin.reports.audit.readonly',
} as const;

/** Every scope, in the order they are asked for when the runbook does not narrow them. */
export const ALL_SCOPES: string[] = Object.values(Scope);

/** Which scope an Admin SDK path needs: used to name the missing scope when Google answers 403. */
const SCOPE_BY_PATH: Array<[RegExp, string]> = [
  [/\/users\/[^/]+\/(tokens|asps|verificationCodes|signOut)/, Scope.userSecurity],
  [/\/devices\/mobile/, Scope.mobile],
  [/\/(groups|members)/, Scope.group],
  [/\/(roleassignments|roles)/, Scope.roles],
  [/\/datatransfer\//, Scope.transfer],
  [/\/reports\/v1\/usage/, Scope.usage],
  [/\/reports\/v1\/activity/, Scope.audit],
  [/\/users/, Scope.user],
];

export function scopeForUrl(url: string): string | undefined {
  return SCOPE_BY_PATH.find(([pattern]) => pattern.test(url))?.[1];
}
