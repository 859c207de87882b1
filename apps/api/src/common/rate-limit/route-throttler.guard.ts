import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  normalizeIp,
  ThrottlerException,
  ThrottlerGetTrackerFunction,
  ThrottlerModuleOptions,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PerRoute } from '../route-metadata';
import { CounterScope, RedisThrottlerStorage, ThrottleRecord } from './redis-throttler.storage';
import { RouteThrottlerOptions } from './throttling';

// @nestjs/throttler's metadata keys (set by @Throttle/@SkipThrottle; not exported from its index).
const SKIP = 'THROTTLER:SKIP';
const LIMIT = 'THROTTLER:LIMIT';
const TTL = 'THROTTLER:TTL';
const BLOCK_DURATION = 'THROTTLER:BLOCK_DURATION';
const TRACKER = 'THROTTLER:TRACKER';

type Tracker = (request: FastifyRequest, context: ExecutionContext) => string;

/** One throttler as it applies to one route, decorators already read. */
interface RouteLimit {
  name: string;
  limit: number;
  ttlMs: number;
  blockMs: number;
  tracker: Tracker;
  skipIf: ((context: ExecutionContext) => boolean) | undefined;
  /** This route's counters of this throttler, by tracker. */
  counters: CounterScope;
  /** Header names as @nestjs/throttler sends them (`X-RateLimit-Limit`, or `-user` etc. for named throttlers). */
  headers: { limit: string; remaining: string; reset: string; retryAfter: string };
}

/**
 * The global rate-limit guard, with @nestjs/throttler's options, decorators (@SkipThrottle, @Throttle with numbers),
 * headers and 429 — but each route's limits are worked out once, and a request admitted from this process's leased
 * counters (RedisThrottlerStorage) is decided synchronously: no promise, no Redis round trip. Only a request that
 * needs a new lease waits for Redis. Trackers must be synchronous and limits numbers (as all of Lumiku's are).
 */
@Injectable()
export class RouteThrottlerGuard implements CanActivate {
  private readonly throttlers: RouteThrottlerOptions[];
  private readonly defaultTracker: Tracker;
  private readonly defaultSkipIf: ((context: ExecutionContext) => boolean) | undefined;
  private readonly errorMessage: string | undefined;

  private readonly routeLimits = new PerRoute<RouteLimit[]>((handler, controller) => {
    const meta = <T>(key: string, name: string) => this.reflector.getAllAndOverride<T | undefined>(key + name, [handler, controller]);
    return this.throttlers
      .filter((t) => !meta<boolean>(SKIP, t.name!) && (t.appliesTo?.(handler, controller) ?? true))
      .map((t) => {
        const name = t.name!;
        const ttlMs = numeric(meta(TTL, name) ?? t.ttl, 'ttl', name);
        const suffix = name === 'default' ? '' : `-${name}`;
        return {
          name,
          limit: numeric(meta(LIMIT, name) ?? t.limit, 'limit', name),
          ttlMs,
          blockMs: numeric(meta(BLOCK_DURATION, name) ?? t.blockDuration ?? ttlMs, 'blockDuration', name),
          tracker: (meta<ThrottlerGetTrackerFunction>(TRACKER, name) ?? t.getTracker ?? this.defaultTracker) as Tracker,
          skipIf: t.skipIf ?? this.defaultSkipIf,
          counters: this.storage.scope(name, `${controller.name}-${handler.name}-${name}-`),
          headers: {
            limit: `X-RateLimit-Limit${suffix}`,
            remaining: `X-RateLimit-Remaining${suffix}`,
            reset: `X-RateLimit-Reset${suffix}`,
            retryAfter: `Retry-After${suffix}`,
          },
        };
      });
  });

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    private readonly storage: RedisThrottlerStorage,
    private readonly reflector: Reflector,
  ) {
    const common = Array.isArray(options) ? { throttlers: options } : options;
    this.throttlers = common.throttlers.map((t) => ({ ...t, name: t.name ?? 'default' }));
    const ipv6SubnetPrefix = Array.isArray(options) ? undefined : options.ipv6SubnetPrefix;
    this.defaultTracker = (common.getTracker as Tracker | undefined) ?? ((request) => normalizeIp(request.ip, ipv6SubnetPrefix));
    this.defaultSkipIf = common.skipIf;
    this.errorMessage = typeof common.errorMessage === 'string' ? common.errorMessage : undefined;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const limits = this.routeLimits.of(context);
    return limits.length === 0 ? true : this.check(context, limits, 0);
  }

  /** Limits from `from` on: synchronous while the leases answer, async from the first that needs Redis. */
  private check(context: ExecutionContext, limits: RouteLimit[], from: number): boolean | Promise<boolean> {
    const request = context.getArgByIndex<FastifyRequest>(0);
    const reply = context.getArgByIndex<FastifyReply>(1);
    for (let i = from; i < limits.length; i++) {
      const limit = limits[i]!;
      if (limit.skipIf?.(context)) continue;
      const tracker = limit.tracker(request, context);
      const record = this.storage.admitFromLease(limit.counters, tracker, limit.limit);
      if (!record) {
        return this.storage.count(limit.counters, tracker, limit.ttlMs, limit.limit, limit.blockMs).then((counted) => {
          this.apply(reply, limit, counted);
          return this.check(context, limits, i + 1);
        });
      }
      this.apply(reply, limit, record);
    }
    return true;
  }

  /** The X-RateLimit-* headers, or Retry-After and 429 when the counter is blocked. */
  private apply(reply: FastifyReply, limit: RouteLimit, record: ThrottleRecord): void {
    if (record.isBlocked) {
      void reply.header(limit.headers.retryAfter, record.timeToBlockExpire);
      throw new ThrottlerException(this.errorMessage);
    }
    void reply.header(limit.headers.limit, limit.limit);
    void reply.header(limit.headers.remaining, Math.max(0, limit.limit - record.totalHits));
    void reply.header(limit.headers.reset, record.timeToExpire);
  }
}

function numeric(value: unknown, option: string, throttler: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`Rate limit "${throttler}": ${option} must be a number for RouteThrottlerGuard (got ${typeof value})`);
  }
  return value;
}
