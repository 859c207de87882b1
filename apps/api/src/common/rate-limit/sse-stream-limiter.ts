import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { RateLimitRedis } from './rate-limit-redis';

/** Open event streams per user, counted in Redis so the cap holds across API replicas. */
@Injectable()
export class SseStreamLimiter {
  constructor(
    private readonly redis: RateLimitRedis,
    private readonly config: AppConfig,
  ) {}

  /**
   * Takes a stream slot for `userId` or throws 429 RATE_LIMITED. The counter expires on its own after `maxStreamMs`
   * (+ a minute), so a crashed replica cannot leave a user locked out. Returns the release function (idempotent).
   */
  async open(userId: string, maxStreamMs: number): Promise<() => void> {
    const key = `${this.redis.prefix}:sse:${userId}`;
    const limit = this.config.SSE_MAX_STREAMS_PER_USER;
    const open = await this.redis.failOpen('SSE streams', 0, (client) => this.redis.increment(client, key, 1, maxStreamMs + 60_000));
    if (open === 0) return () => undefined; // Redis unavailable: not counted, nothing to give back
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void this.redis.failOpen('SSE streams', 0, (client) => client.decr(key));
    };
    if (open > limit) {
      release();
      throw new DomainError('RATE_LIMITED', `At most ${limit} event streams may be open at once; close one first`, { limit, retryAfterSeconds: 5 });
    }
    return release;
  }
}
