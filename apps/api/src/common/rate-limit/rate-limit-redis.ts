import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@app/config';
import { redisOptionsFromUrl } from '@app/jobs';

/**
 * The API's Redis connection for shared counters (rate limits, SSE streams): fail-fast (no offline queue), so a
 * Redis outage costs a request one quick error — callers then fail OPEN (the queue already answers 503 for paid
 * work) and warn at most once a minute.
 */
@Injectable()
export class RateLimitRedis implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;
  readonly client: Redis;
  readonly prefix: string;

  constructor(config: AppConfig) {
    // Auto-pipelining: the counters of requests arriving in the same tick share one write and one reply read.
    this.client = new Redis({ ...redisOptionsFromUrl(config.REDIS_URL, { failFast: true }), lazyConnect: true, enableAutoPipelining: true });
    this.client.on('error', () => undefined); // surfaced through failed commands, see failOpen
    this.prefix = `${config.QUEUE_PREFIX}:rl`;
    void this.client.connect().catch(() => undefined);
  }

  /** Runs `fn`; if Redis fails, logs (rate-limited) and returns `fallback` so the request is not blocked. */
  async failOpen<T>(what: string, fallback: T, fn: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (err) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: (err as Error).message, what }, 'Redis unavailable: rate limits are not enforced until it returns');
      }
      return fallback;
    }
  }

  /** Adds `by` to a counter and (re)sets its expiry in one round trip; returns the new value. */
  async increment(client: Redis, key: string, by: number, ttlMs: number): Promise<number> {
    const [[, value]] = (await client.multi().incrby(key, by).pexpire(key, ttlMs).exec()) as [[null, number]];
    return value;
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
