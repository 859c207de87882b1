import { describe, expect, it } from 'vitest';
import { RunGate } from './run-gate';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('RunGate', () => {
  it('runs at most `limit` at once, the rest in arrival order, and frees the slot when a run fails', async () => {
    const gate = new RunGate(1);
    const events: string[] = [];
    const releases: Array<() => void> = [];
    const job = (name: string, fail = false) =>
      gate.run(async () => {
        events.push(`start ${name}`);
        await new Promise<void>((r) => releases.push(r));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const a = job('a', true);
    const b = job('b');
    const c = job('c');
    await tick();
    expect(events).toEqual(['start a']);
    releases.shift()!();
    await expect(a).rejects.toThrow('a');
    await tick();
    expect(events).toEqual(['start a', 'end a', 'start b']);
    releases.shift()!();
    await expect(b).resolves.toBe('b');
    await tick();
    releases.shift()!();
    await expect(c).resolves.toBe('c');
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets `limit` runs proceed together', async () => {
    const gate = new RunGate(2);
    let inside = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3, 4].map(() =>
        gate.run(async () => {
          most = Math.max(most, ++inside);
          await tick();
          inside--;
        }),
      ),
    );
    expect(most).toBe(2);
  });
});
