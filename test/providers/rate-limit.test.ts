import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/providers/aws-iam/rate-limit.js';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces the rest', async () => {
    const bucket = new TokenBucket(20, 5);
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => bucket.take().then(() => times.push(performance.now() - started))));
    times.sort((a, b) => a - b);
    // The burst of 5: without one, the 5th would wait for 4 tokens (200 ms); the slack is for a loaded machine.
    expect(times[4]!).toBeLessThan(100);
    // 5 more at 20 per second take about 250 ms; never faster than the rate allows.
    expect(times[9]!).toBeGreaterThanOrEqual(230);
  });
});
