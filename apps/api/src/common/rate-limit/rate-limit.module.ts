import { Module } from '@nestjs/common';
import { DailyAllowance } from './daily-allowance';
import { RateLimitRedis } from './rate-limit-redis';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SseStreamLimiter } from './sse-stream-limiter';

/** Limits shared by every API replica through Redis: request rates (the throttler's storage),
 * open SSE streams and daily allowances. */
@Module({
  providers: [RateLimitRedis, RedisThrottlerStorage, SseStreamLimiter, DailyAllowance],
  exports: [RedisThrottlerStorage, SseStreamLimiter, DailyAllowance],
})
export class RateLimitModule {}
