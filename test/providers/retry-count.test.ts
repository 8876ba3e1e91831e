import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addRetries, countingRetries } from '../../src/providers/retry-count.js';

describe('retries counted per revoke (one store for every provider)', () => {
  it('each revoke counts only its own retries, also when they interleave', async () => {
    const [a, b] = [{ retries: 0 }, { retries: 0 }];
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    await Promise.all([
      countingRetries(a, async () => {
        addRetries();
        await tick();
        addRetries(2);
      }),
      countingRetries(b, async () => {
        await tick();
        addRetries();
      }),
    ]);
    addRetries(5); // outside any revoke: counted nowhere
    expect([a.retries, b.retries]).toEqual([3, 1]);
  });

  it('is the only AsyncLocalStorage in revoke: on Node 20 each one in use slows every promise of the run', () => {
    const found = execFileSync('grep', ['-rln', 'new AsyncLocalStorage', 'src'], { encoding: 'utf8' }).trim().split('\n');
    expect(found).toEqual(['src/providers/retry-count.ts']);
  });
});
