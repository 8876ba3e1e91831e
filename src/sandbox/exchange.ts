/**
 * One request to a sandbox and its answer, as every sandbox logs it: what the spec checks validate
 * against the vendor's API description and what the dry-run tests read for mutating requests.
 */
export interface SandboxExchange {
  method: string;
  /** The matched route template (e.g. /orgs/{org}/members), undefined when nothing matched. */
  route: string | undefined;
  path: string;
  query: Record<string, string | string[]>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  /** Changes state (admin writes); token exchanges and reads do not. */
  mutating: boolean;
}
