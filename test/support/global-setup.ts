import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leastPrivilegeReport } from './least-privilege.js';

/**
 * Once for the whole run: every IAM sandbox, in every worker, logs its requests to one file; at
 * the end, every action revoke sent anywhere in the suite (in-process runs, the built binary,
 * watch's CloudTrail and key last-use calls) must be in docs/aws-iam-policy.json.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'revoke-suite-'));
  const log = join(dir, 'iam-requests.jsonl');
  writeFileSync(log, '');
  process.env.REVOKE_SANDBOX_REQUEST_LOG = log;
  return () => {
    const { sent, missing } = leastPrivilegeReport(readFileSync(log, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    if (missing.length > 0) {
      // vitest reports an error thrown here but still exits 0: fail the run explicitly.
      console.error(`FAIL least privilege: revoke sent ${missing.join(', ')}, which docs/aws-iam-policy.json does not grant: add the permission to the kind that needs it and run npm run generate`);
      process.exitCode = 1;
      return;
    }
    if (sent.length > 0) console.log(`least privilege: the ${sent.length} IAM/STS/CloudTrail actions revoke sent in this run are all in docs/aws-iam-policy.json`);
  };
}
