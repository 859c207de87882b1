import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppConfig } from '@app/config';
import { PerRoute } from '../route-metadata';

const MINUTE = 60_000;
const AUTH_LIMITED = 'throttle:authLimited';

/** Marks password endpoints for the stricter per-IP "auth" limit (brute-force protection). */
export const AuthRateLimited = () => SetMetadata(AUTH_LIMITED, true);

const authLimited = new PerRoute<boolean>((handler) => Reflect.getMetadata(AUTH_LIMITED, handler) === true);
const isAuthLimited = (ctx: ExecutionContext): boolean => authLimited.of(ctx);
const userOf = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ user?: { id: string } }>().user;

/**
 * Limits on every route: per client IP ("default", so Retry-After has no suffix), per signed-in user, and a
 * stricter per-IP limit on password endpoints. Counters live in Redis (RedisThrottlerStorage), shared by all replicas.
 */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  const disabled = !config.RATE_LIMIT_ENABLED;
  // A throttler's own skipIf REPLACES the common one (it is not combined), so each repeats the switch.
  return {
    skipIf: () => disabled,
    throttlers: [
      { name: 'default', ttl: MINUTE, limit: config.RATE_LIMIT_IP_PER_MINUTE },
      {
        name: 'user',
        ttl: MINUTE,
        limit: config.RATE_LIMIT_USER_PER_MINUTE,
        skipIf: (ctx) => disabled || !userOf(ctx),
        getTracker: (_req, ctx) => userOf(ctx)!.id,
      },
      { name: 'auth', ttl: MINUTE, limit: config.RATE_LIMIT_AUTH_PER_MINUTE, skipIf: (ctx) => disabled || !isAuthLimited(ctx) },
    ],
  };
}
