import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket, writeBucket } from '../../src/providers/token-bucket.js';

afterEach(() => vi.useRealTimers());

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

  it('a free token is taken at once, with no timer; a wait is one ref\'d timer until the next token', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const bucket = new TokenBucket(10, 2);
    const taken: number[] = [];
    const take = (n: number) => bucket.take().then(() => taken.push(n));
    // Both free tokens: no timer has to run (under fake timers, one would never fire by itself).
    await Promise.all([take(1), take(2)]);
    expect(taken).toEqual([1, 2]);
    expect(vi.getTimerCount()).toBe(0);
    // The third waits for the next token, 100 ms away at 10 per second: first come, first served.
    const third = take(3);
    const fourth = take(4);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(taken).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    await third;
    expect(taken).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(100);
    await fourth;
    expect(taken).toEqual([1, 2, 3, 4]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('writeBucket: interval 0 takes no time at all; otherwise a burst, then one per interval', async () => {
    const free = writeBucket(0, 1);
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => free.take()));
    expect(performance.now() - started).toBeLessThan(20);
    const paced = writeBucket(100, 2);
    const times: number[] = [];
    const begun = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => paced.take().then(() => times.push(performance.now() - begun))));
    times.sort((a, b) => a - b);
    expect(times[1]!).toBeLessThan(60);
    // Tokens accrue on a fixed beat: the third waits up to one interval, the fourth a whole one more.
    expect(times[3]!).toBeGreaterThanOrEqual(100 - 20);
  });
});
