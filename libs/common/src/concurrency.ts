type Settled<T extends readonly unknown[] | []> = { -readonly [P in keyof T]: Awaited<T[P]> };

/**
 * Promise.all that waits for every step to end before it rethrows the first failure (in the steps' order), so the
 * caller's cleanup never races a write still in flight.
 */
export async function settleAll<T extends readonly unknown[] | []>(steps: T): Promise<Settled<T>> {
  const results = await Promise.allSettled(steps);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as Settled<T>;
}

/**
 * `fn(item, index)` for each item in order, at most `limit` at once; stops starting new ones after a failure, waits for
 * those in flight, then rethrows the failure of the lowest index — the error a one-at-a-time loop would have thrown.
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && failures.size === 0) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (err) {
        failures.set(index, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, lane));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return results;
}
