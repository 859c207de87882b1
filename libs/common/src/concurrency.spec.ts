import { describe, expect, it } from 'vitest';
import { mapInOrder, settleAll } from './concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapInOrder', () => {
  it('returns results in input order, never running more than `limit` at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapInOrder([5, 1, 4, 2, 3], 2, async (n, i) => {
      peak = Math.max(peak, ++running);
      for (let k = 0; k < n; k++) await tick(); // later items finish first
      running--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(peak).toBe(2);
  });

  it('rethrows the lowest failing index, after the calls in flight ended, and starts nothing after a failure', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = mapInOrder([0, 1, 2, 3, 4, 5], 2, async (_, i) => {
      started.push(i);
      // 1 fails late, 2 fails early: a loop would have thrown 1's error.
      for (let k = 0; k < (i === 1 ? 5 : 1); k++) await tick();
      ended.push(i);
      if (i === 1 || i === 2) throw new Error(`item ${i}`);
      return i;
    });
    await expect(run).rejects.toThrow('item 1');
    expect(started).toEqual([0, 1, 2]);
    expect(ended.sort()).toEqual([0, 1, 2]);
  });

  it('handles no items', async () => {
    expect(await mapInOrder([], 3, async () => 1)).toEqual([]);
  });
});

describe('settleAll', () => {
  it('waits for every step before rethrowing the first failure in order', async () => {
    let slowDone = false;
    const slow = (async () => {
      for (let k = 0; k < 5; k++) await tick();
      slowDone = true;
    })();
    await expect(settleAll([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))])).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });

  it('resolves to the values in order', async () => {
    expect(await settleAll([Promise.resolve(1), Promise.resolve('two')])).toEqual([1, 'two']);
  });
});
