import type { RedisOptions } from 'bullmq';

/**
 * ioredis options from a redis:// URL. BullMQ needs `maxRetriesPerRequest: null` for blocking worker
 * connections; producers pass `failFast` so an add fails at once while Redis is down (→ 503) instead of
 * queueing in memory.
 */
export function redisOptionsFromUrl(url: string, opts: { failFast?: boolean } = {}): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: opts.failFast ? 1 : null,
    enableOfflineQueue: !opts.failFast,
    connectTimeout: 5_000,
    retryStrategy: (times: number) => Math.min(times * 200, 5_000),
  };
}
