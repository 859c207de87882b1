import { Module } from '@nestjs/common';
import { RateLimitRedis } from './rate-limit-redis';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SseStreamLimiter } from './sse-stream-limiter';

/** Limits shared by every API replica through Redis: request rates (the throttler's storage) and open SSE streams. */
@Module({
  providers: [RateLimitRedis, RedisThrottlerStorage, SseStreamLimiter],
  exports: [RedisThrottlerStorage, SseStreamLimiter],
})
export class RateLimitModule {}
