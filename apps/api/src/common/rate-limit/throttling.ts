import { ExecutionContext, SetMetadata, Type } from '@nestjs/common';
import { SkipThrottle, ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from '@app/config';

const MINUTE = 60_000;
const AUTH_LIMITED = 'throttle:authLimited';

/** Marks password endpoints for the stricter per-IP "auth" limit (brute-force protection). */
export const AuthRateLimited = () => SetMetadata(AUTH_LIMITED, true);

/** Every throttler's name: a new throttler must be listed here, so that SkipAllRateLimits skips it too. */
const THROTTLER_NAMES = ['default', 'user', 'auth'] as const;

/** Probes (health, metrics): no limit of any kind, per IP or per user; `@SkipThrottle()` alone skips only "default". */
export const SkipAllRateLimits = () => SkipThrottle(Object.fromEntries(THROTTLER_NAMES.map((name) => [name, true])));

/** The request's user, set by the auth guard (which runs first); the HTTP request is the context's first argument. */
const userOf = (ctx: ExecutionContext) => ctx.getArgByIndex<{ user?: { id: string } }>(0).user;

/**
 * A throttler of RouteThrottlerGuard. `appliesTo` is decided once per route from its decorators, where `skipIf` would
 * run on every request.
 */
export interface RouteThrottlerOptions extends ThrottlerOptions {
  appliesTo?: (handler: (...args: never[]) => unknown, controller: Type<unknown>) => boolean;
}

/**
 * Limits on every route: per client IP ("default", so Retry-After has no suffix), per signed-in user, and a
 * stricter per-IP limit on password endpoints. Counters live in Redis (RedisThrottlerStorage), shared by all replicas.
 * RATE_LIMIT_ENABLED=false: no throttlers at all.
 */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  if (!config.RATE_LIMIT_ENABLED) return { throttlers: [] };
  const throttlers: (RouteThrottlerOptions & { name: (typeof THROTTLER_NAMES)[number] })[] = [
    { name: 'default', ttl: MINUTE, limit: config.RATE_LIMIT_IP_PER_MINUTE },
    {
      name: 'user',
      ttl: MINUTE,
      limit: config.RATE_LIMIT_USER_PER_MINUTE,
      skipIf: (ctx) => !userOf(ctx),
      getTracker: (_req, ctx) => userOf(ctx)!.id,
    },
    {
      name: 'auth',
      ttl: MINUTE,
      limit: config.RATE_LIMIT_AUTH_PER_MINUTE,
      appliesTo: (handler) => Reflect.getMetadata(AUTH_LIMITED, handler) === true,
    },
  ];
  return { throttlers };
}
