import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { RateLimitRedis } from './rate-limit-redis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type WithThrottleCommand = Redis & {
  throttleIncrement(hitsKey: string, blockKey: string, ttlMs: number, limit: number, blockMs: number): Promise<number[]>;
};

/**
 * Fixed-window counter in ONE atomic Lua script: INCR the window's key (expiring after `ttl`), and when the count
 * passes `limit`, set a block key for `blockDuration`. Constant work per request whatever the limit, and shared by
 * every API replica, so N replicas allow the configured number, not N times it.
 * Returns [hits, msUntilWindowEnds, blocked (0/1), msUntilBlockEnds].
 */
const INCREMENT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockTtl }
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, ttl, 1, tonumber(ARGV[3]) }
end
return { hits, ttl, 0, 0 }`;

const ALLOW: ThrottlerStorageRecord = { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };

@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: RateLimitRedis) {
    // EVALSHA after the first call: the script text is not sent with every request.
    redis.client.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT });
  }

  /** `ttl` and `blockDuration` in ms (as @nestjs/throttler passes them); the record's times are in seconds. */
  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.redis.prefix}:${throttlerName}:${key}`;
    return this.redis.failOpen('rate limit', ALLOW, async (client) => {
      const [hits, ttlMs, blocked, blockMs] = await (client as WithThrottleCommand).throttleIncrement(`${base}:hits`, `${base}:block`, ttl, limit, blockDuration || ttl);
      return {
        totalHits: hits!,
        timeToExpire: Math.ceil(ttlMs! / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockMs! / 1000),
      };
    });
  }
}
