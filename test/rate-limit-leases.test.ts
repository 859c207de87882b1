import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '@app/config';
import { RateLimitRedis } from '../apps/api/src/common/rate-limit/rate-limit-redis';
import { RedisThrottlerStorage, ThrottleRecord } from '../apps/api/src/common/rate-limit/redis-throttler.storage';
import { testEnv } from './support/test-env';
import { waitFor } from './support/wait';

/**
 * The leased rate-limit counters against the real Redis: each storage is one API replica. Replicas together never
 * admit more than the limit, the limit is reached (nothing is lost to leases), and a process mostly decides from
 * memory. The HTTP side (headers, 429, two real api processes) is in test/reliability/shared-rate-limit.test.ts.
 */
const MINUTE = 60_000;

describe('leased rate-limit counters', () => {
  const prefix = `${testEnv.QUEUE_PREFIX}-leases`;
  const replicas: { redis: RateLimitRedis; storage: RedisThrottlerStorage }[] = [];
  let monitor: Redis;
  /** Script calls Redis received for a key, seen through MONITOR (what the server executed, not what we think we sent). */
  const scriptCalls = new Map<string, number>();
  const echoed = new Set<string>();
  let run = 0;

  beforeAll(async () => {
    monitor = await new Redis(testEnv.REDIS_URL!).monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'echo') echoed.add(args[1]!);
      const key = args[0]?.toLowerCase() === 'evalsha' ? args.find((a) => a.startsWith(prefix)) : undefined;
      if (key) scriptCalls.set(key.replace(/:(hits|block)$/, ''), (scriptCalls.get(key.replace(/:(hits|block)$/, '')) ?? 0) + 1);
    });
    for (let i = 0; i < 2; i++) {
      const redis = new RateLimitRedis({ REDIS_URL: testEnv.REDIS_URL, QUEUE_PREFIX: prefix } as AppConfig);
      replicas.push({ redis, storage: new RedisThrottlerStorage(redis) });
    }
    // Until connected the limiter fails open (no offline queue), which is not what these tests are about.
    await waitFor('both replicas connected to Redis', async () => replicas.every(({ redis }) => redis.client.status === 'ready'), 10_000);
  });

  afterAll(() => {
    monitor?.disconnect();
    for (const { redis, storage } of replicas) {
      storage.onModuleDestroy();
      redis.onModuleDestroy();
    }
  });

  /** Script calls for a key so far, once MONITOR has seen a marker sent after them (Redis executes in order). */
  async function scriptCallsFor(key: string): Promise<number> {
    const marker = `caught-up-${key}`;
    await replicas[0]!.redis.client.echo(marker);
    await waitFor('MONITOR to catch up', async () => echoed.has(marker), 5_000, 10);
    return scriptCalls.get(`${prefix}:rl:default:${key}`) ?? 0;
  }

  /** `n` requests on one key, replica chosen by `pick`, each decided from the lease when it can be (as the guard does). */
  async function hit(key: string, limit: number, n: number, pick: (i: number) => number): Promise<ThrottleRecord[]> {
    const records: ThrottleRecord[] = [];
    for (let i = 0; i < n; i++) {
      const { storage } = replicas[pick(i)]!;
      const counters = storage.scope('default');
      records.push(storage.admitFromLease(counters, key, limit) ?? (await storage.count(counters, key, MINUTE, limit, MINUTE)));
    }
    return records;
  }

  const newKey = () => `key-${process.pid}-${Date.now()}-${run++}`;

  it('one replica: exactly the limit is admitted, remaining counts down, then every request is blocked until the block ends', async () => {
    const records = await hit(newKey(), 100, 130, () => 0);
    const admitted = records.filter((r) => !r.isBlocked);
    expect(admitted).toHaveLength(100);
    expect(records.slice(100).every((r) => r.isBlocked && r.timeToBlockExpire > 55 && r.timeToBlockExpire <= 60)).toBe(true);
    const remaining = admitted.map((r) => 100 - r.totalHits);
    expect(remaining[0]).toBe(99);
    expect(remaining.at(-1)).toBe(0);
    expect(remaining.every((v, i) => i === 0 || v < remaining[i - 1]!)).toBe(true);
  });

  it('two replicas taking turns (and at random): together exactly the limit, never more', async () => {
    for (const pick of [(i: number) => i % 2, () => (Math.random() < 0.5 ? 0 : 1)]) {
      const records = await hit(newKey(), 100, 200, pick);
      expect(records.filter((r) => !r.isBlocked)).toHaveLength(100);
    }
  });

  it('concurrent requests on one replica share one Redis call instead of sending their own', async () => {
    const key = newKey();
    const { storage } = replicas[0]!;
    const records = await Promise.all(Array.from({ length: 50 }, () => storage.increment(key, MINUTE, 1_000_000, MINUTE, 'default')));
    expect(records.every((r) => !r.isBlocked)).toBe(true);
    expect(await scriptCallsFor(key)).toBe(1);
  });

  it('past its counter cap a replica keeps no new counter: those requests are counted in Redis one by one', async () => {
    class SmallStorage extends RedisThrottlerStorage {
      protected override readonly maxTracked = 2;
    }
    const { redis } = replicas[0]!;
    const storage = new SmallStorage(redis);
    try {
      const keys = [newKey(), newKey(), newKey()];
      for (const key of keys) {
        for (let i = 0; i < 10; i++) {
          const counters = storage.scope('default');
          const record = storage.admitFromLease(counters, key, 100) ?? (await storage.count(counters, key, MINUTE, 100, MINUTE));
          expect(record, `${key} #${i}`).toMatchObject({ isBlocked: false });
        }
      }
      const counted = await Promise.all(keys.map((key) => redis.client.get(`${prefix}:rl:default:${key}:hits`)));
      // Kept counters leased ahead (12 = 100 / 8); the third was counted exactly.
      expect(counted).toEqual(['12', '12', '10']);
      expect(await scriptCallsFor(keys[2]!)).toBe(10);
    } finally {
      storage.onModuleDestroy();
    }
  });

  it('with a high limit, a replica asks Redis once per 256 requests', async () => {
    const key = newKey();
    const records = await hit(key, 1_000_000, 2_000, () => 0);
    expect(records.every((r) => !r.isBlocked)).toBe(true);
    expect(await scriptCallsFor(key)).toBe(Math.ceil(2_000 / 256));
  });
});
