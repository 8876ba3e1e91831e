import type { GoogleContext } from './kind.js';

/** Usage reports are final only after a few days; three days back is the newest Google serves. */
const REPORT_LAG_DAYS = 3;

/**
 * How many MB of Drive storage the person uses (Reports API accounts:drive_used_quota_in_mb),
 * as evidence that deleting them would lose files. Undefined when Google has no report yet.
 */
export async function driveUsedMb(reports: GoogleContext['reports'], user: string): Promise<number | undefined> {
  const date = new Date(Date.now() - REPORT_LAG_DAYS * 86_400_000).toISOString().slice(0, 10);
  const { data } = await reports.userUsageReport.get({ userKey: user, date, parameters: 'accounts:drive_used_quota_in_mb' });
  const parameter = data.usageReports?.[0]?.parameters?.find((p) => p.name === 'accounts:drive_used_quota_in_mb');
  return parameter?.intValue === undefined || parameter.intValue === null ? undefined : Number(parameter.intValue);
}
