import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/providers/aws-iam/rate-limit.js';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces the rest', async () => {
    const bucket = new TokenBucket(20, 5);
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => bucket.take().then(() => times.push(performance.now() - started))));
    times.sort((a, b) => a - b);
    // The burst of 5 comes at once; paced, the 5th would come at 200 ms or later. The margin is
    // for a loaded 2-core CI, where a timer can be late by tens of milliseconds.
    expect(times[4]!).toBeLessThan(150);
    // 5 more at 20 per second take about 250 ms; never faster than the rate allows.
    expect(times[9]!).toBeGreaterThanOrEqual(230);
  });
});
