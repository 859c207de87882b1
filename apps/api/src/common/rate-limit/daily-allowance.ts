import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { RateLimitRedis } from './rate-limit-redis';

const DAY_MS = 24 * 3600_000;

/** Per-user allowances per UTC day (e.g. free test-mode calls), counted in Redis across replicas. */
@Injectable()
export class DailyAllowance {
  constructor(private readonly redis: RateLimitRedis) {}

  /**
   * Takes `count` from today's `allowance` of `name` for `userId`, or throws 429 RATE_LIMITED with the seconds until
   * the next UTC day (→ Retry-After). Nothing is taken when the request does not fit.
   */
  async take(name: string, userId: string, count: number, allowance: number): Promise<void> {
    const now = Date.now();
    const day = new Date(now).toISOString().slice(0, 10);
    const key = `${this.redis.prefix}:daily:${name}:${userId}:${day}`;
    const used = await this.redis.failOpen(name, 0, async (client) => {
      const total = await this.redis.increment(client, key, count, DAY_MS + 3600_000);
      if (total > allowance) await client.decrby(key, count);
      return total;
    });
    if (used > allowance) {
      const retryAfterSeconds = Math.ceil((DAY_MS - (now % DAY_MS)) / 1000);
      throw new DomainError('RATE_LIMITED', `The daily allowance of ${allowance} ${name} images is used up; it renews at 00:00 UTC`, {
        allowance,
        retryAfterSeconds,
      });
    }
  }
}
