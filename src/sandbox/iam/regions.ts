import type { IncomingMessage } from 'node:http';

/**
 * Regions of the sandbox account, as AWS Account's ListRegions reports them: the default ones
 * enabled, two opt-in regions enabled, the other opt-in ones disabled. Tests may change the map.
 */
export function sandboxRegions(): Map<string, 'ENABLED' | 'ENABLED_BY_DEFAULT' | 'DISABLED'> {
  const byDefault = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2', 'sa-east-1'];
  return new Map([
    ...byDefault.map((name) => [name, 'ENABLED_BY_DEFAULT'] as const),
    ['eu-south-1', 'ENABLED'],
    ['ap-east-1', 'ENABLED'],
    ['af-south-1', 'DISABLED'],
    ['me-south-1', 'DISABLED'],
  ]);
}

/** The region a request was signed for (SigV4 credential scope KEY/date/region/service/aws4_request). */
export function signingRegion(req: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'us-east-1';
}

/** AWS Account ListRegions (REST-JSON, POST /listRegions): a page of regions with their opt status. */
export function listRegions(regions: Map<string, string>, body: string): { Regions: Array<{ RegionName: string; RegionOptStatus: string }>; NextToken?: string } {
  const input = JSON.parse(body || '{}') as { MaxResults?: number; NextToken?: string; RegionOptStatusContains?: string[] };
  const wanted = input.RegionOptStatusContains;
  const all = [...regions].filter(([, status]) => !wanted || wanted.includes(status)).map(([RegionName, RegionOptStatus]) => ({ RegionName, RegionOptStatus }));
  const offset = Number(input.NextToken ?? 0);
  const max = Math.min(50, input.MaxResults ?? 20);
  return { Regions: all.slice(offset, offset + max), ...(offset + max < all.length ? { NextToken: String(offset + max) } : {}) };
}
