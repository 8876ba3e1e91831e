import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leastPrivilegeReport } from './least-privilege.js';

/**
 * Once for the whole run: every IAM sandbox, in every worker, logs its requests to one file; at
 * the end, every action revoke sent anywhere in the suite (in-process runs, the built binary,
 * watch's CloudTrail and key last-use calls) must be in docs/aws-iam-policy.json.
 */
export default function setup(): () => void {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'revoke-suite-'));
  const log = join(dir, 'iam-requests.jsonl');
  writeFileSync(log, '');
  process.env.REVOKE_SANDBOX_REQUEST_LOG = log;
  return () => {
    const { sent, missing } = leastPrivilegeReport(readFileSync(log, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    // No test leaves signed reports in the checkout (test/support gives each run a scratch --report).
    const checkoutReports = join(process.cwd(), 'reports');
    const left = existsSync(checkoutReports) ? readdirSync(checkoutReports).filter((f) => statSync(join(checkoutReports, f)).mtimeMs >= started) : [];
    if (left.length > 0) {
      console.error(`FAIL hygiene: the run wrote ${left.length} file(s) into ${checkoutReports} (e.g. ${left[0]}): pass --report <a temporary folder> in that test`);
      process.exitCode = 1;
    }
    if (missing.length > 0) {
      // vitest reports an error thrown here but still exits 0: fail the run explicitly.
      console.error(`FAIL least privilege: revoke sent ${missing.join(', ')}, which docs/aws-iam-policy.json does not grant: add the permission to the kind that needs it and run npm run generate`);
      process.exitCode = 1;
      return;
    }
    if (sent.length > 0) console.log(`least privilege: the ${sent.length} IAM/STS/CloudTrail actions revoke sent in this run are all in docs/aws-iam-policy.json`);
  };
}
