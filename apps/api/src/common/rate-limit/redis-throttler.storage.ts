import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { RateLimitRedis } from './rate-limit-redis';

export type ThrottleRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type WithLeaseCommand = Redis & {
  throttleLease(hitsKey: string, blockKey: string, ttlMs: number, limit: number, blockMs: number, want: number): Promise<number[]>;
};

/**
 * One atomic Lua script on the shared fixed-window counter. A blocked key stays blocked. Otherwise, if the window is
 * full, this request is counted, the key is blocked for `blockMs`, and nothing is granted. Otherwise up to `want`
 * requests are granted (never past `limit`) and added to the count at once.
 * Returns [hits, msUntilWindowEnds, blocked (0/1), msUntilBlockEnds, granted].
 */
const LEASE = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockTtl, 0 }
end
local limit = tonumber(ARGV[2])
local before = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = math.min(tonumber(ARGV[4]), limit - before)
local hits = redis.call('INCRBY', KEYS[1], math.max(grant, 1))
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if grant < 1 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, ttl, 1, tonumber(ARGV[3]), 0 }
end
return { hits, ttl, 0, 0, grant }`;

/** A lease is at most this share of what is left of the window's limit, so replicas rarely hold what others need. */
const LEASE_SHARE = 1 / 8;
/** …and at most this many requests: with a huge limit, one process still checks in with Redis regularly. */
const MAX_LEASE = 256;
const SWEEP_EVERY_MS = 30_000;
/**
 * Counters kept in memory at most (≈ 150 B each). Past this — many clients at once, e.g. a spread-out flood — a new
 * counter is not kept: its requests are counted in Redis one by one, as without leases, so memory stays bounded.
 */
const MAX_TRACKED = 100_000;

/** What this process knows of one counter: its window, the requests it may still admit, and a block. */
interface Lease {
  windowEndsAt: number;
  /** Requests granted to this process by Redis and not admitted yet. */
  unused: number;
  /** The shared count at the last grant (all replicas' admitted and leased requests). */
  sharedHits: number;
  blockedUntil: number;
  /** The Redis call in flight for this key: concurrent requests wait for it instead of sending their own. */
  refill?: Promise<ThrottleRecord | null>;
  /** Not kept (too many counters): leases one request at a time, so nothing granted is lost with it. */
  transient: boolean;
}

const ALLOW: ThrottleRecord = { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };

/**
 * The counters of one throttler on one route, by tracker (client IP, user id). The guard keeps one per route, so a
 * request looks its counter up by the tracker alone: no key string is built per request (only for Redis, on a refill).
 */
export class CounterScope {
  readonly leases = new Map<string, Lease>();

  /** `redisKey` + tracker names the shared counter in Redis. */
  constructor(readonly redisKey: string) {}
}

/**
 * Fixed-window limits shared by every API replica through Redis, without a Redis round trip per request: a process
 * leases a batch of requests from the shared counter (one script call adds the batch to the count) and admits them
 * from memory until the batch or the window runs out. The lease shrinks as the window fills and is a single request
 * near the limit, so replicas together never admit more than `limit`; what one replica holds unused can only make
 * another refuse slightly early. A block (over the limit) is remembered locally until it ends.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly scopes = new Map<string, CounterScope>();
  /** Leases kept, over all scopes. */
  private tracked = 0;
  protected readonly maxTracked: number = MAX_TRACKED;
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS).unref();

  constructor(private readonly redis: RateLimitRedis) {
    // EVALSHA after the first call: the script text is not sent with every request.
    redis.client.defineCommand('throttleLease', { numberOfKeys: 2, lua: LEASE });
  }

  /** The counters of `throttlerName` whose keys start with `keyPrefix` (the guard's: one route). */
  scope(throttlerName: string, keyPrefix = ''): CounterScope {
    const redisKey = `${this.redis.prefix}:${throttlerName}:${keyPrefix}`;
    let scope = this.scopes.get(redisKey);
    if (!scope) this.scopes.set(redisKey, (scope = new CounterScope(redisKey)));
    return scope;
  }

  /**
   * The request counted from memory — one of this process's leased requests, or the block that is on — or undefined
   * when only Redis can tell (no lease left): then call `count`.
   */
  admitFromLease(scope: CounterScope, tracker: string, limit: number): ThrottleRecord | undefined {
    const lease = scope.leases.get(tracker);
    return lease && fromLease(lease, limit);
  }

  /** Counts the request, from a lease or (when none is left) through Redis. `ttlMs`/`blockMs` in ms, the record in s. */
  async count(scope: CounterScope, tracker: string, ttlMs: number, limit: number, blockMs: number): Promise<ThrottleRecord> {
    const lease = scope.leases.get(tracker) ?? this.newLease(scope, tracker);
    for (;;) {
      const admitted = fromLease(lease, limit);
      if (admitted) return admitted;
      lease.refill ??= this.refill(scope.redisKey + tracker, lease, ttlMs, limit, blockMs || ttlMs).finally(() => (lease.refill = undefined));
      // A record ends the request (blocked, or Redis down: allowed); null means a new lease to admit from.
      const outcome = await lease.refill;
      if (outcome) return outcome;
    }
  }

  /** @nestjs/throttler's storage interface: `key` in the throttler's scope. */
  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottleRecord> {
    return this.count(this.scope(throttlerName), key, ttl, limit, blockDuration);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private newLease(scope: CounterScope, tracker: string): Lease {
    const lease: Lease = { windowEndsAt: 0, unused: 0, sharedHits: 0, blockedUntil: 0, transient: this.tracked >= this.maxTracked };
    if (!lease.transient) {
      scope.leases.set(tracker, lease);
      this.tracked++;
    }
    return lease;
  }

  private async refill(name: string, lease: Lease, ttl: number, limit: number, blockMs: number): Promise<ThrottleRecord | null> {
    const known = lease.windowEndsAt > Date.now() ? lease.sharedHits : 0;
    const want = lease.transient ? 1 : Math.max(1, Math.min(MAX_LEASE, Math.floor((limit - known) * LEASE_SHARE)));
    const reply = await this.redis.failOpen('rate limit', null, async (client) =>
      (client as WithLeaseCommand).throttleLease(`${name}:hits`, `${name}:block`, ttl, limit, blockMs, want),
    );
    if (!reply) return ALLOW;
    const [hits, ttlMs, isBlocked, blockTtlMs, granted] = reply as [number, number, number, number, number];
    const now = Date.now();
    lease.windowEndsAt = now + ttlMs;
    lease.sharedHits = hits;
    lease.unused = granted;
    if (isBlocked === 1) {
      lease.blockedUntil = now + blockTtlMs;
      return blocked(lease, now);
    }
    return null;
  }

  /** Forgets counters whose window and block are over (a new request starts them again from Redis). */
  private sweep(): void {
    const now = Date.now();
    for (const scope of this.scopes.values()) {
      for (const [tracker, lease] of scope.leases) {
        if (!lease.refill && lease.windowEndsAt <= now && lease.blockedUntil <= now) {
          scope.leases.delete(tracker);
          this.tracked--;
        }
      }
    }
  }
}

/** From memory: the block if one is on, else one request of the current lease, else undefined (ask Redis). */
function fromLease(lease: Lease, limit: number): ThrottleRecord | undefined {
  const now = Date.now();
  if (lease.blockedUntil > now) return blocked(lease, now);
  if (lease.unused < 1 || lease.windowEndsAt <= now) return undefined;
  lease.unused--;
  return {
    totalHits: Math.min(limit, lease.sharedHits - lease.unused),
    timeToExpire: Math.ceil((lease.windowEndsAt - now) / 1000),
    isBlocked: false,
    timeToBlockExpire: 0,
  };
}

function blocked(lease: Lease, now: number): ThrottleRecord {
  return {
    totalHits: lease.sharedHits,
    timeToExpire: Math.max(0, Math.ceil((lease.windowEndsAt - now) / 1000)),
    isBlocked: true,
    timeToBlockExpire: Math.ceil((lease.blockedUntil - now) / 1000),
  };
}
